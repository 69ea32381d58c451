package dev.credbroker.server.cache;

import dev.credbroker.core.config.Durations;
import dev.credbroker.server.limits.Limit;
import dev.credbroker.server.limits.RateLimitedException;
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

  /** The refusal of a forced read of {@code requested}: says when one is allowed again. */
  static RateLimitedException refusal(String requested, Duration interval, Duration wait) {
    return new RateLimitedException(Limit.FORCE_REFRESH, "force_refresh of secret '" + requested
        + "' is limited to once every " + Durations.format(interval) + " per caller; retry in "
        + Durations.format(Duration.ofSeconds(Math.max(1, (wait.toMillis() + 999) / 1000)))
        + ", or read without force_refresh",
        Duration.ofMillis(Math.max(1, (wait.toNanos() + 999_999) / 1_000_000)));
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
