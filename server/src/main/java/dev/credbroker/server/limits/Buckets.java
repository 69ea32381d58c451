package dev.credbroker.server.limits;

import com.github.benmanes.caffeine.cache.Cache;
import dev.credbroker.core.config.RateLimitsConfig.Rate;
import dev.credbroker.server.ops.Caches;
import dev.credbroker.server.ops.ClockTicker;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * One token bucket (Bucket4j) per key, all with the same rate and burst, read on {@code clock}.
 * Bounded: a bucket unused for as long as it takes to fill up again is forgotten, which loses
 * nothing (a new bucket starts full), and at most {@code maxKeys} are kept, so a flood of distinct
 * keys costs memory up to the bound and then only forgets the least recently used.
 */
final class Buckets {
  /** Rates are refilled per this period, so fractional rates (0.5/s) stay exact. */
  private static final Duration PERIOD = Duration.ofSeconds(1000);

  private final Rate rate;
  private final Cache<String, Bucket> buckets;
  private final TimeMeter time;
  private final Bandwidth bandwidth;

  Buckets(Rate rate, long maxKeys, Clock clock) {
    this.rate = rate;
    this.time = new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return ClockTicker.nanos(clock.instant());
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
    this.bandwidth = Bandwidth.builder().capacity(rate.burst())
        .refillGreedy(Math.max(1, Math.round(rate.perSecond() * PERIOD.toSeconds())), PERIOD)
        .build();
    this.buckets = Caches.newBuilder(clock)
        .maximumSize(maxKeys)
        .expireAfterAccess(rate.refill())
        .build();
  }

  Rate rate() {
    return rate;
  }

  /** Empty when {@code key} may go ahead (one token taken); else how long until it may. */
  Optional<Duration> take(String key) {
    ConsumptionProbe probe = buckets.get(key, k -> Bucket.builder().addLimit(bandwidth)
        .withCustomTimePrecision(time).build()).tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return Optional.empty();
    }
    long millis = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000);
    return Optional.of(Duration.ofMillis(millis));
  }

  /** Keys held now (for tests of the bound). */
  long size() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }
}
