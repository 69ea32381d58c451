package dev.credbroker.server.ops;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;

/**
 * How the broker's caches are built: expiry follows the given clock (so tests can move it), and
 * Caffeine's upkeep runs on the calling thread, because handing it to the common pool woke a pool
 * thread on the hot path of nearly every call.
 */
public final class Caches {
  private Caches() {}

  public static Caffeine<Object, Object> newBuilder(Clock clock) {
    return Caffeine.newBuilder().ticker(ClockTicker.of(clock)).executor(Runnable::run);
  }
}
