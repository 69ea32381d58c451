package dev.credbroker.client.internal;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * {@code min(cap, base * 2^(n-1))}, so clients that failed together do not retry together.
 */
public record Backoff(Duration base, Duration cap, DoubleSupplier random) {

  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30),
      () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());

  /** The wait before retry number {@code failures} (1 for the first retry). */
  public Duration delay(int failures) {
    int shift = Math.min(Math.max(failures, 1) - 1, 30);
    long ceiling = Math.min(cap.toMillis(), base.toMillis() << shift);
    if (ceiling < 0) {
      ceiling = cap.toMillis();
    }
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (ceiling - half)));
  }

  public Backoff withCap(Duration newCap) {
    return new Backoff(base, newCap, random);
  }
}
