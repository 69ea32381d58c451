package dev.credbroker.client.provider;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.SessionCredentials;
import dev.credbroker.client.internal.Checks;
import dev.credbroker.client.internal.DaemonThreads;
import dev.credbroker.client.internal.RequestLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.DoubleSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * AWS SDK for Java v2 credentials for one role, from the credential broker, kept fresh in the
 * background: the SDK never waits for the broker while the current credentials are valid, and
 * never gets expired ones. Refresh starts {@code prefetchTime} (jittered) before expiry; when the
 * broker is down the current credentials keep being served and the refresh is retried with
 * backoff, more often in the last {@code staleTime}; once they expire, calls fail with
 * {@link CredentialsUnavailableException}. The defaults (5 minutes, 1 minute) are those of the
 * SDK's own STS providers.
 *
 * <pre>{@code
 * BrokerCredentialsProvider credentials = BrokerCredentialsProvider.builder()
 *     .client(broker).role("payments-deployer").build();
 * S3Client s3 = S3Client.builder().credentialsProvider(credentials).build();
 * }</pre>
 *
 * <p>The first {@link #resolveCredentials()} waits for the broker (call it at startup to fail
 * fast). One provider may serve many SDK clients. The application owns it and the
 * {@link BrokerClient}; an SDK client closes every closeable provider it was given when it closes
 * (SDK 2.40: user-supplied HTTP clients are exempt, providers are not), so, like the SDK's own
 * {@code StsAssumeRoleCredentialsProvider}, {@link #close()} only stops the background refresh
 * and the provider keeps serving the other clients.
 */
public final class BrokerCredentialsProvider implements AwsCredentialsProvider, SdkAutoCloseable {
  static final String PROVIDER_NAME = "BrokerCredentialsProvider";
  /**
   * A caller waits for a refresh at most the client's deadline plus this: the call's own
   * DEADLINE_EXCEEDED, with its description, is what a caller sees, never a wait of its own.
   */
  static final Duration WAIT_GRACE = Duration.ofSeconds(1);

  private final CredentialRefresher<AwsSessionCredentials> refresher;
  private final String description;

  private BrokerCredentialsProvider(Builder b) {
    BrokerClient client = b.client;
    String role = b.role;
    Optional<Duration> duration = Optional.ofNullable(b.duration);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.named("credbroker-refresh-" + role));
    this.description = "role '" + role + "' from " + client.target();
    this.refresher = new CredentialRefresher<>(() -> client.getAwsCredentials(role, duration),
        BrokerCredentialsProvider::toSdk, "role '" + role + "'", b.clock, b.prefetch, b.stale,
        b.random, b.executor == null ? timer : b.executor, timer, client.deadline().plus(WAIT_GRACE));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The current credentials, without waiting while they are valid. */
  @Override
  public AwsCredentials resolveCredentials() {
    return refresher.get().value();
  }

  /** The same credentials with what the broker says about them (role ARN, region, session name). */
  public SessionCredentials resolveSessionCredentials() {
    return refresher.get().credentials();
  }

  /**
   * Stops the background refresh thread. Later calls keep working: the held credentials while
   * they are fresh, then a refresh on the calling thread (what the SDK's
   * {@code StsAssumeRoleCredentialsProvider} does once closed). It does not close the
   * {@link BrokerClient}; closing that ends every call.
   */
  @Override
  public void close() {
    refresher.close();
  }

  @Override
  public String toString() {
    return PROVIDER_NAME + "[" + description + "]";
  }

  static AwsSessionCredentials toSdk(SessionCredentials c) {
    AwsSessionCredentials.Builder b = AwsSessionCredentials.builder()
        .accessKeyId(c.accessKeyId())
        .secretAccessKey(c.secretAccessKey())
        .sessionToken(c.sessionToken())
        .expirationTime(c.expiration())
        .providerName(PROVIDER_NAME);
    c.accountId().ifPresent(b::accountId);
    return b.build();
  }

  /** Settings; {@link #client} and {@link #role} are required. */
  public static final class Builder {
    private BrokerClient client;
    private String role;
    private Duration duration;
    private Duration prefetch = Duration.ofMinutes(5);
    private Duration stale = Duration.ofMinutes(1);
    private Clock clock = Clock.systemUTC();
    private DoubleSupplier random = () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble();
    private Executor executor;

    private Builder() {}

    public Builder client(BrokerClient brokerClient) {
      this.client = Objects.requireNonNull(brokerClient, "brokerClient");
      return this;
    }

    /** The role alias (or ARN, where the broker allows ARNs). */
    public Builder role(String alias) {
      Objects.requireNonNull(alias, "alias");
      if (alias.isBlank()) {
        throw new IllegalArgumentException("role must not be blank");
      }
      this.role = alias;
      return this;
    }

    /** Session length to ask for (at least 15 minutes); default: the role's default. */
    public Builder duration(Duration d) {
      this.duration = Objects.requireNonNull(d, "duration");
      return this;
    }

    /** Start refreshing this long before expiry (default 5 minutes), jittered by up to half the window to stale. */
    public Builder prefetchTime(Duration d) {
      this.prefetch = Objects.requireNonNull(d, "prefetchTime");
      return this;
    }

    /** The last stretch before expiry in which failed refreshes are retried more often (default 1 minute). */
    public Builder staleTime(Duration d) {
      this.stale = Objects.requireNonNull(d, "staleTime");
      return this;
    }

    /** The clock that decides validity; tests move one by hand. */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /** Runs refreshes; default: the provider's own refresh thread. For tests. */
    Builder executor(Executor e) {
      this.executor = Objects.requireNonNull(e, "executor");
      return this;
    }

    /** The source of jitter, 0 (inclusive) to 1 (exclusive). For tests. */
    Builder random(DoubleSupplier r) {
      this.random = Objects.requireNonNull(r, "random");
      return this;
    }

    public BrokerCredentialsProvider build() {
      if (client == null || role == null) {
        throw new IllegalStateException("client and role are required");
      }
      Checks.positive(stale, "staleTime");
      if (prefetch.compareTo(stale) <= 0) {
        throw new IllegalArgumentException("prefetchTime (" + prefetch + ") must be longer than staleTime ("
            + stale + ")");
      }
      if (duration != null) {
        RequestLimits.requireSession(duration);
      }
      if (duration != null && prefetch.compareTo(duration) >= 0) {
        throw new IllegalArgumentException("prefetchTime must be shorter than the session duration");
      }
      return new BrokerCredentialsProvider(this);
    }
  }
}
