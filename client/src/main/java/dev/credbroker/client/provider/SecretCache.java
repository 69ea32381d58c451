package dev.credbroker.client.provider;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.BrokerException;
import dev.credbroker.client.SecretRequest;
import dev.credbroker.client.SecretValue;
import dev.credbroker.client.internal.Checks;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Secret values by alias, cached so a service can read them on every use without a broker call
 * each time. A value is served for at most {@code ttl} (default 1 hour, as AWS's own Secrets
 * Manager caching client); once it is older than {@code refreshAfter} (default 5 minutes), the next
 * read returns it at once and refreshes it in the background, one refresh per secret, keeping the
 * old value if the broker cannot be reached. Only the first read of a secret, or one after
 * {@code ttl}, waits for the broker; it throws {@link BrokerException} when that fails.
 *
 * <pre>{@code
 * record Db(String username, String password, String host, int port) {}
 * Db db = secrets.getJson("payments-db", Db.class);
 * }</pre>
 */
public final class SecretCache implements AutoCloseable {
  private final BrokerClient client;
  private final LoadingCache<SecretRequest, SecretValue> cache;

  private SecretCache(Builder b) {
    this.client = b.client;
    this.cache = Caffeine.newBuilder()
        .maximumSize(b.maxSecrets)
        .expireAfterWrite(b.ttl)
        .refreshAfterWrite(b.refreshAfter)
        .executor(b.executor)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(b.clock.millis()))
        .build(request -> client.getSecretValue(request));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The current version of the secret with this alias. */
  public SecretValue get(String secret) {
    return get(SecretRequest.of(secret));
  }

  /** A chosen version; the request's forceRefresh is ignored here (see {@link #refresh}). */
  public SecretValue get(SecretRequest request) {
    try {
      return cache.get(normal(request));
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** The text value of the current version. */
  public String getString(String secret) {
    return get(secret).secretString();
  }

  /**
   * A JSON secret as a record of yours, by component name ({@code snake_case} keys match
   * {@code camelCase} components); Optional components may be missing. Records holding secrets
   * should override {@code toString()}.
   */
  public <R extends Record> R getJson(String secret, Class<R> type) {
    Objects.requireNonNull(type, "type");
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(getString(secret));
    } catch (java.text.ParseException e) {
      throw new IllegalArgumentException("secret '" + secret + "' is not a JSON object");
    }
    return JsonRecords.map(json, type, secret);
  }

  /**
   * Reads the secret from AWS now, bypassing the broker's cache too (e.g. after the database
   * rejected the cached password), and keeps the result.
   */
  public SecretValue refresh(String secret) {
    SecretValue fresh = client.getSecretValue(SecretRequest.of(secret).withForceRefresh());
    cache.put(SecretRequest.of(secret), fresh);
    return fresh;
  }

  /** Forgets the secret; the next read waits for the broker. */
  public void invalidate(String secret) {
    cache.invalidate(SecretRequest.of(secret));
  }

  /** Drops every cached value; does not close the {@link BrokerClient}. */
  @Override
  public void close() {
    cache.invalidateAll();
  }

  private static SecretRequest normal(SecretRequest r) {
    return new SecretRequest(r.secret(), r.versionId(), r.versionStage(), false);
  }

  /** Settings; {@link #client} is required. */
  public static final class Builder {
    private BrokerClient client;
    private Duration ttl = Duration.ofHours(1);
    private Duration refreshAfter = Duration.ofMinutes(5);
    private long maxSecrets = 1000;
    private Clock clock = Clock.systemUTC();
    private Executor executor = ForkJoinPool.commonPool();

    private Builder() {}

    public Builder client(BrokerClient brokerClient) {
      this.client = Objects.requireNonNull(brokerClient, "brokerClient");
      return this;
    }

    /** The longest a value is served (default 1 hour). */
    public Builder ttl(Duration d) {
      this.ttl = Checks.positive(d, "ttl");
      return this;
    }

    /** Age after which a read triggers a background refresh (default 5 minutes). */
    public Builder refreshAfter(Duration d) {
      this.refreshAfter = Checks.positive(d, "refreshAfter");
      return this;
    }

    public Builder maxSecrets(long n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxSecrets must be at least 1, got " + n);
      }
      this.maxSecrets = n;
      return this;
    }

    /** The clock that ages values; tests move one by hand. */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /** Runs background refreshes (default: the common pool). For tests. */
    Builder executor(Executor e) {
      this.executor = Objects.requireNonNull(e, "executor");
      return this;
    }

    public SecretCache build() {
      if (client == null) {
        throw new IllegalStateException("client is required");
      }
      if (refreshAfter.compareTo(ttl) >= 0) {
        throw new IllegalArgumentException("refreshAfter (" + refreshAfter + ") must be shorter than ttl ("
            + ttl + "), or values would expire before a refresh could replace them");
      }
      return new SecretCache(this);
    }
  }
}
