package dev.credbroker.server.cache;

import dev.credbroker.server.ops.Caches;
import com.github.benmanes.caffeine.cache.Cache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * At most one {@code force_refresh} per caller and secret per interval, so a client stuck in a
 * retry loop cannot turn every request into a Secrets Manager call. Refused attempts do not move
 * the window. Bounded: the oldest callers are forgotten first.
 */
final class ForceRefreshLimiter {
  private static final Duration LONGEST_INTERVAL = Duration.ofHours(1);

  private final Cache<String, Instant> last;
  private final Clock clock;

  ForceRefreshLimiter(Clock clock, long maxCallers) {
    this.clock = clock;
    this.last = Caches.newBuilder(clock)
        .maximumSize(maxCallers)
        .expireAfterWrite(LONGEST_INTERVAL)
        .build();
  }

  /** Empty when a forced read may go ahead now (and counts it); else how long until one may. */
  Optional<Duration> acquire(String key, Duration interval) {
    Instant now = clock.instant();
    Instant[] next = {null};
    last.asMap().compute(key, (k, previous) -> {
      if (previous != null && now.isBefore(previous.plus(interval))) {
        next[0] = previous.plus(interval);
        return previous;
      }
      return now;
    });
    return next[0] == null ? Optional.empty() : Optional.of(Duration.between(now, next[0]));
  }
}
