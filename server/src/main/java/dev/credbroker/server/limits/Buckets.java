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
import java.util.function.Function;

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
  private final Cache<Object, Bucket> buckets;
  private final Function<Object, Bucket> newBucket;

  Buckets(Rate rate, long maxKeys, Clock clock) {
    this.rate = rate;
    TimeMeter time = new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return ClockTicker.nanos(clock.instant());
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
    Bandwidth bandwidth = Bandwidth.builder().capacity(rate.burst())
        .refillGreedy(Math.max(1, Math.round(rate.perSecond() * PERIOD.toSeconds())), PERIOD)
        .build();
    // Made once, not per call: a lambda reading fields would be a new object on every take.
    this.newBucket = key -> Bucket.builder().addLimit(bandwidth).withCustomTimePrecision(time)
        .build();
    this.buckets = Caches.newBuilder(clock)
        .maximumSize(maxKeys)
        .expireAfterAccess(rate.refill())
        .build();
  }

  Rate rate() {
    return rate;
  }

  /**
   * Empty when {@code key} may go ahead (one token taken); else how long until it may. Keys are
   * compared with {@code equals}: a string, or a record of strings.
   */
  Optional<Duration> take(Object key) {
    ConsumptionProbe probe = buckets.get(key, newBucket).tryConsumeAndReturnRemaining(1);
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
