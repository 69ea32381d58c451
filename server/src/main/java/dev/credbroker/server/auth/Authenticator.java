package dev.credbroker.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.jwk.JWKSet;
import dev.credbroker.server.auth.AuthenticationException.Reason;
import dev.credbroker.server.config.IssuerConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
  private final Map<String, IssuerKeys> keysByIssuer;
  private final Cache<TokenDigest, VerifiedIdentity> verified;
  private final Clock clock;

  private Authenticator(TokenVerifier verifier, Map<String, IssuerKeys> keysByIssuer, Clock clock) {
    this.verifier = verifier;
    this.keysByIssuer = keysByIssuer;
    this.clock = clock;
    this.verified = Caffeine.newBuilder()
        .maximumWeight(MAX_CACHE_BYTES)
        .weigher((TokenDigest digest, VerifiedIdentity identity) -> identity.weight())
        .ticker(tickerOf(clock))
        .expireAfter(Expiry.<TokenDigest, VerifiedIdentity>creating((digest, identity) ->
            Duration.between(clock.instant(), identity.acceptUntil())))
        .build();
  }

  /**
   * Trusts the given issuers; their keys are fetched on {@code executor} when first needed.
   * {@code clock} decides token lifetimes and key freshness.
   */
  public static Authenticator create(List<IssuerConfig> issuers, Clock clock, Executor executor) {
    Map<IssuerConfig, Supplier<CompletableFuture<JWKSet>>> sources = new LinkedHashMap<>();
    for (IssuerConfig config : issuers) {
      sources.put(config, new KeyFetcher(config, executor)::fetch);
    }
    return withKeySources(sources, clock);
  }

  /** Issuers whose keys come from the given sources instead of HTTP; for tests. */
  static Authenticator withKeySources(
      Map<IssuerConfig, Supplier<CompletableFuture<JWKSet>>> sources, Clock clock) {
    Map<String, TokenVerifier.Issuer> byIssuer = new LinkedHashMap<>();
    Map<String, IssuerKeys> keys = new LinkedHashMap<>();
    sources.forEach((config, source) -> {
      IssuerKeys issuerKeys = new IssuerKeys(config, source, clock);
      byIssuer.put(config.issuer(), new TokenVerifier.Issuer(config, issuerKeys));
      keys.put(config.issuer(), issuerKeys);
    });
    return new Authenticator(new TokenVerifier(byIssuer, clock, verificationPool()),
        Map.copyOf(keys), clock);
  }

  /**
   * Verifies {@code bearerToken}. Fails with an {@link AuthenticationException} whose message is
   * safe to show the caller; never with anything else.
   */
  public CompletableFuture<VerifiedIdentity> authenticate(String bearerToken) {
    if (bearerToken == null || bearerToken.isEmpty()) {
      return CompletableFuture.failedFuture(new AuthenticationException(Reason.MISSING_TOKEN,
          "missing bearer token; send metadata 'authorization: Bearer <JWT>'"));
    }
    byte[] sha256 = sha256(bearerToken);
    TokenDigest digest = TokenDigest.of(sha256);
    VerifiedIdentity cached = verified.getIfPresent(digest);
    if (cached != null && clock.instant().isBefore(cached.acceptUntil())) {
      return CompletableFuture.completedFuture(cached);
    }
    String hash = HexFormat.of().formatHex(sha256, 0, 8);
    int weight = bearerToken.length() * WEIGHT_PER_TOKEN_CHAR;
    return verifier.verify(bearerToken, hash).handle((identity, error) -> {
      if (error == null) {
        identity.weigh(weight);
        verified.put(digest, identity);
        return identity;
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      if (cause instanceof AuthenticationException) {
        throw new CompletionException(cause);
      }
      if (cause instanceof RejectedExecutionException) {
        throw new CompletionException(new AuthenticationException(Reason.BUSY,
            "the broker is busy verifying new tokens; retry shortly"));
      }
      throw new CompletionException(new AuthenticationException(Reason.MALFORMED,
          "token could not be verified"));
    });
  }

  /**
   * One thread per core for signature checks, with a bounded queue: when it is full, new tokens
   * are refused at once (BUSY, retryable) rather than piling up without limit.
   */
  private static ThreadPoolExecutor verificationPool() {
    int threads = Runtime.getRuntime().availableProcessors();
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES,
        new ArrayBlockingQueue<>(VERIFY_QUEUE), r -> {
          Thread t = new Thread(r, "credbroker-verify-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
  }

  /** First 16 hex digits of the token's SHA-256, as recorded for correlation. */
  public static String tokenHash(String bearerToken) {
    return HexFormat.of().formatHex(sha256(bearerToken), 0, 8);
  }

  /** JWKS fetches started for {@code issuer} so far. */
  public long keyFetches(String issuer) {
    IssuerKeys keys = keysByIssuer.get(issuer);
    return keys == null ? 0 : keys.fetchCount();
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static Ticker tickerOf(Clock clock) {
    return () -> {
      var now = clock.instant();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    };
  }

  /** A token's SHA-256 as four longs: cheap to hash and compare, and not the token. */
  private record TokenDigest(long a, long b, long c, long d) {
    static TokenDigest of(byte[] sha256) {
      ByteBuffer buf = ByteBuffer.wrap(sha256);
      return new TokenDigest(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
    }
  }
}
