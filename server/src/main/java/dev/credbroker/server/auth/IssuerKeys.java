package dev.credbroker.server.auth;

import com.nimbusds.jose.jwk.JWKSet;
import dev.credbroker.core.config.IssuerConfig;
import dev.credbroker.server.auth.AuthenticationException.Reason;
import dev.credbroker.server.metrics.AuthMetrics;
import dev.credbroker.server.metrics.KeySetState;
import dev.credbroker.server.ops.Futures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One issuer's signing keys, kept fresh without making callers wait.
 *
 * <ul>
 *   <li>Keys are fresh for {@code jwks_cache_ttl}; from three quarters of it on, one background
 *       refresh runs while callers keep using the current keys.</li>
 *   <li>A token whose {@code kid} is not in the set triggers a refetch (key rotation), at most
 *       once per {@code jwks_min_refetch_interval}, so tokens with invented kids cannot make the
 *       broker hammer the IdP.</li>
 *   <li>When the IdP is unreachable the last good keys stay in use until {@code jwks_cache_ttl +
 *       outage_tolerance} after they were fetched; after that validation fails with
 *       {@link Reason#IDP_UNAVAILABLE}.</li>
 *   <li>Concurrent callers share one fetch.</li>
 * </ul>
 */
final class IssuerKeys {
  private static final Logger log = LoggerFactory.getLogger(IssuerKeys.class);

  private final IssuerConfig config;
  private final Supplier<CompletableFuture<JWKSet>> fetcher;
  private final Clock clock;
  private final AuthMetrics metrics;

  private volatile Snapshot current;
  private CompletableFuture<Snapshot> inFlight;
  private Instant lastAttempt = Instant.MIN;
  private boolean lastAttemptFailed;
  private volatile String lastFailure = "";

  private record Snapshot(JWKSet keys, Instant fetchedAt) {}

  IssuerKeys(IssuerConfig config, Supplier<CompletableFuture<JWKSet>> fetcher, Clock clock,
      AuthMetrics metrics) {
    this.config = config;
    this.fetcher = fetcher;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** The keys now: how many, when fetched, whether still trusted to verify tokens. */
  KeySetState state() {
    Snapshot s = current;
    Optional<String> failure = Optional.of(lastFailure).filter(f -> !f.isEmpty());
    if (s == null) {
      return new KeySetState(config.issuer(), 0, Optional.empty(), false, failure);
    }
    return new KeySetState(config.issuer(), s.keys().getKeys().size(), Optional.of(s.fetchedAt()),
        trusted(s, clock.instant()), failure);
  }

  /**
   * Tries again to fetch keys that are not usable, no more often than
   * {@code jwks_min_refetch_interval}: health sends callers elsewhere while they are unusable, so
   * no token would ever make the broker try.
   */
  void retryIfUnusable() {
    Snapshot s = current;
    Instant now = clock.instant();
    boolean wanted = s != null ? !trusted(s, now) : !lastFailure.isEmpty();
    if (wanted && mayAttempt(now)) {
      refresh(now, false);
    }
  }

  /**
   * Fetches the keys now unless some are already usable (the start-up check). Completes, never
   * exceptionally, with empty once keys are loaded, else with why the fetch failed (the URL and
   * the problem, as logged).
   */
  CompletableFuture<Optional<String>> load() {
    Snapshot s = current;
    if (s != null && trusted(s, clock.instant())) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    synchronized (this) {
      lastAttempt = clock.instant();
    }
    return fetchNow().handle((fresh, error) -> error == null ? Optional.empty()
        : Optional.of(lastFailure));
  }

  private boolean trusted(Snapshot s, Instant now) {
    Duration age = Duration.between(s.fetchedAt(), now);
    return age.compareTo(config.jwksCacheTtl().plus(config.outageTolerance())) <= 0;
  }

  /** Keys that may verify a token naming {@code kid} (null when the token names none). */
  CompletableFuture<JWKSet> keysFor(String kid) {
    Instant now = clock.instant();
    Snapshot s = current;
    if (s == null) {
      return refresh(now, true).thenApply(Snapshot::keys);
    }
    Duration age = Duration.between(s.fetchedAt(), now);
    if (!trusted(s, now)) {
      return refresh(now, true).thenApply(Snapshot::keys);
    }
    boolean known = kid == null || s.keys().getKeyByKeyId(kid) != null;
    if (!known && mayAttempt(now)) {
      // Rotation: wait for the new set; if the IdP is down, the old set still decides.
      return refresh(now, false).handle((fresh, error) -> fresh != null ? fresh.keys() : s.keys());
    }
    if (age.compareTo(config.jwksCacheTtl().multipliedBy(3).dividedBy(4)) >= 0 && mayAttempt(now)) {
      refresh(now, false);
    }
    return CompletableFuture.completedFuture(s.keys());
  }

  private synchronized boolean mayAttempt(Instant now) {
    return inFlight != null
        || Duration.between(lastAttempt, now).compareTo(config.jwksMinRefetchInterval()) >= 0;
  }

  private synchronized CompletableFuture<Snapshot> refresh(Instant now, boolean callerWaits) {
    if (inFlight != null) {
      return inFlight;
    }
    if (callerWaits && lastAttemptFailed
        && Duration.between(lastAttempt, now).compareTo(config.jwksMinRefetchInterval()) < 0) {
      return CompletableFuture.failedFuture(unavailable());
    }
    lastAttempt = now;
    return fetchNow();
  }

  /** One fetch, shared by everyone who asks while it runs; the caller holds the lock. */
  private synchronized CompletableFuture<Snapshot> fetchNow() {
    if (inFlight != null) {
      return inFlight;
    }
    long started = System.nanoTime();
    CompletableFuture<Snapshot> fetch = fetcher.get()
        .thenApply(keys -> new Snapshot(keys, clock.instant()));
    inFlight = fetch.handle((snapshot, error) -> {
      metrics.fetched(config.issuer(), error == null, System.nanoTime() - started);
      synchronized (this) {
        if (error == null) {
          current = snapshot; // before inFlight clears, so no caller sees neither
          lastFailure = "";
        }
        inFlight = null;
        lastAttemptFailed = error != null;
      }
      if (error != null) {
        Throwable cause = Futures.cause(error);
        lastFailure = cause.getMessage();
        log.warn("cannot refresh signing keys of issuer {}: {}", config.issuer(), cause.getMessage());
        throw new CompletionException(unavailable());
      }
      log.info("loaded {} signing keys of issuer {}", snapshot.keys().getKeys().size(),
          config.issuer());
      return snapshot;
    });
    CompletableFuture<Snapshot> result = inFlight;
    if (result.isDone()) {
      inFlight = null; // completed inline, before the field was assigned
    }
    return result;
  }

  private static AuthenticationException unavailable() {
    return new AuthenticationException(Reason.IDP_UNAVAILABLE,
        "the identity provider's signing keys are unavailable; retry later");
  }
}
