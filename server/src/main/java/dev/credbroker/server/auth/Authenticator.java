package dev.credbroker.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.jwk.JWKSet;
import dev.credbroker.core.config.IssuerConfig;
import dev.credbroker.core.digest.Sha256;
import dev.credbroker.server.auth.AuthenticationException.Reason;
import dev.credbroker.server.metrics.AuthMetrics;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.metrics.KeySetState;
import dev.credbroker.server.ops.Caches;
import dev.credbroker.server.ops.DaemonThreads;
import dev.credbroker.server.ops.Futures;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The front door of authentication: bearer token in, {@link VerifiedIdentity} out.
 *
 * <p>A token that passed is remembered, keyed by its SHA-256, until its {@code exp}, so a caller
 * pays for signature verification once per token rather than once per request (an ES256 check
 * costs about 1-2 ms; a hash and a cache hit about 1 µs). Only valid tokens are remembered, so
 * garbage cannot evict them. The returned future never blocks the caller: it is complete at once
 * unless the issuer's keys must be fetched first.
 */
public final class Authenticator {
  /** Budget for remembered identities, weighed by token size (claims dominate memory). */
  static final long MAX_CACHE_BYTES = 64L << 20;
  /** New tokens that may wait for a signature check; about a second of ES256 work on 2 cores. */
  static final int VERIFY_QUEUE = 1024;

  /** Parsed claims take several times the token's size on the heap; this errs high. */
  static final int WEIGHT_PER_TOKEN_CHAR = 12;

  private final TokenVerifier verifier;
  private final Map<IssuerConfig, IssuerKeys> keys;
  private final Cache<TokenDigest, VerifiedIdentity> verified;
  private final Clock clock;
  private final AuthMetrics metrics;

  private Authenticator(TokenVerifier verifier, Map<IssuerConfig, IssuerKeys> keys, Clock clock,
      AuthMetrics metrics) {
    this.verifier = verifier;
    this.keys = keys;
    this.clock = clock;
    this.metrics = metrics;
    this.verified = Caches.newBuilder(clock)
        .maximumWeight(MAX_CACHE_BYTES)
        .weigher((TokenDigest digest, VerifiedIdentity identity) -> identity.weight())
        .expireAfter(Expiry.<TokenDigest, VerifiedIdentity>creating((digest, identity) ->
            Duration.between(clock.instant(), identity.acceptUntil())))
        .build();
  }

  /**
   * Trusts the given issuers; their keys are fetched on {@code executor} when first needed.
   * {@code clock} decides token lifetimes and key freshness.
   */
  public static Authenticator create(List<IssuerConfig> issuers, Clock clock, Executor executor) {
    return create(issuers, clock, executor, BrokerMetrics.detached().auth());
  }

  /** As {@link #create(List, Clock, Executor)}, recording validations and fetches. */
  public static Authenticator create(List<IssuerConfig> issuers, Clock clock, Executor executor,
      AuthMetrics metrics) {
    Map<IssuerConfig, Supplier<CompletableFuture<JWKSet>>> sources = new LinkedHashMap<>();
    for (IssuerConfig config : issuers) {
      sources.put(config, new KeyFetcher(config, executor)::fetch);
    }
    return withKeySources(sources, clock, metrics);
  }

  /** Issuers whose keys come from the given sources instead of HTTP; for tests. */
  static Authenticator withKeySources(
      Map<IssuerConfig, Supplier<CompletableFuture<JWKSet>>> sources, Clock clock) {
    return withKeySources(sources, clock, BrokerMetrics.detached().auth());
  }

  static Authenticator withKeySources(
      Map<IssuerConfig, Supplier<CompletableFuture<JWKSet>>> sources, Clock clock,
      AuthMetrics metrics) {
    Map<String, TokenVerifier.Issuer> byIssuer = new LinkedHashMap<>();
    Map<IssuerConfig, IssuerKeys> keys = new LinkedHashMap<>();
    sources.forEach((config, source) -> {
      IssuerKeys issuerKeys = new IssuerKeys(config, source, clock, metrics);
      keys.put(config, issuerKeys);
      byIssuer.put(config.issuer(), new TokenVerifier.Issuer(config, issuerKeys));
    });
    return new Authenticator(new TokenVerifier(byIssuer, clock, verificationPool()),
        Collections.unmodifiableMap(keys), clock, metrics);
  }

  /** Each trusted issuer's keys as they are now, in configuration order. */
  public List<KeySetState> keySets() {
    return keys.values().stream().map(IssuerKeys::state).toList();
  }

  /** Tries again, within each issuer's refetch limit, to fetch keys that are not usable. */
  public void retryUnusableKeys() {
    keys.values().forEach(IssuerKeys::retryIfUnusable);
  }

  /**
   * Fetches the keys of every issuer whose {@code startup_check} is not {@code skip}; completes
   * (never exceptionally) once each has loaded or failed, with why each failed one did.
   */
  public CompletableFuture<Map<IssuerConfig, String>> loadKeys() {
    Map<IssuerConfig, CompletableFuture<Optional<String>>> loads = new LinkedHashMap<>();
    keys.forEach((config, issuerKeys) -> {
      if (config.startupCheck() != IssuerConfig.StartupCheck.SKIP) {
        loads.put(config, issuerKeys.load());
      }
    });
    return CompletableFuture.allOf(loads.values().toArray(CompletableFuture[]::new))
        .thenApply(done -> {
          Map<IssuerConfig, String> failed = new LinkedHashMap<>();
          loads.forEach((config, load) -> load.join().ifPresent(why -> failed.put(config, why)));
          return failed;
        });
  }

  /**
   * Verifies {@code bearerToken}. Fails with an {@link AuthenticationException} whose message is
   * safe to show the caller; never with anything else.
   */
  public CompletableFuture<VerifiedIdentity> authenticate(String bearerToken) {
    if (bearerToken == null || bearerToken.isEmpty()) {
      metrics.refused(Reason.MISSING_TOKEN);
      return CompletableFuture.failedFuture(new AuthenticationException(Reason.MISSING_TOKEN,
          "missing bearer token; send metadata 'authorization: Bearer <JWT>'"));
    }
    byte[] sha256 = Sha256.of(bearerToken);
    TokenDigest digest = TokenDigest.of(sha256);
    VerifiedIdentity cached = verified.getIfPresent(digest);
    if (cached != null && clock.instant().isBefore(cached.acceptUntil())) {
      metrics.accepted(true);
      return CompletableFuture.completedFuture(cached);
    }
    String hash = Sha256.shortHex(sha256);
    int weight = bearerToken.length() * WEIGHT_PER_TOKEN_CHAR;
    return verifier.verify(bearerToken, hash).handle((identity, error) -> {
      if (error == null) {
        identity.weigh(weight);
        verified.put(digest, identity);
        metrics.accepted(false);
        return identity;
      }
      Throwable cause = Futures.cause(error);
      AuthenticationException refusal = cause instanceof AuthenticationException a ? a
          : cause instanceof RejectedExecutionException
              ? new AuthenticationException(Reason.BUSY,
                  "the broker is busy verifying new tokens; retry shortly")
              : new AuthenticationException(Reason.MALFORMED, "token could not be verified");
      metrics.refused(refusal.reason());
      throw new CompletionException(refusal);
    });
  }

  /**
   * One thread per core for signature checks, with a bounded queue: when it is full, new tokens
   * are refused at once (BUSY, retryable) rather than piling up without limit. Idle threads end,
   * so the pool of an authenticator replaced by a config reload leaves nothing behind.
   */
  private static ThreadPoolExecutor verificationPool() {
    int threads = Runtime.getRuntime().availableProcessors();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES,
        new ArrayBlockingQueue<>(VERIFY_QUEUE), DaemonThreads.named("credbroker-verify"),
        new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** First 16 hex digits of the token's SHA-256, as recorded for correlation. */
  public static String tokenHash(String bearerToken) {
    return Sha256.shortHex(Sha256.of(bearerToken));
  }

  /** A token's SHA-256 as four longs: cheap to hash and compare, and not the token. */
  private record TokenDigest(long a, long b, long c, long d) {
    static TokenDigest of(byte[] sha256) {
      ByteBuffer buf = ByteBuffer.wrap(sha256);
      return new TokenDigest(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
    }
  }
}
