package dev.credbroker.server.ops;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Instant;

/** A Caffeine {@link Ticker} driven by a {@link Clock}, so cache expiry follows test clocks. */
public final class ClockTicker {
  private ClockTicker() {}

  public static Ticker of(Clock clock) {
    return () -> nanos(clock.instant());
  }

  /** An instant on this ticker's scale (nanoseconds since the epoch). */
  public static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
