package dev.credbroker.server.limits;

import dev.credbroker.core.config.Durations;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * At most {@code permits} calls of one AWS service in flight. AWS throttles per account and
 * Region (STS and Secrets Manager quotas), so a burst of cache misses is paced here instead of
 * turning into throttling errors for every replica; a call waits up to {@code maxWait} for a
 * slot (blocking an I/O thread, never a network thread), then is refused with
 * {@link Limit#AWS_CONCURRENCY}.
 */
public final class ConcurrencyCap {
  /** The retry delay suggested to a refused caller. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /** What the cap guards. */
  @FunctionalInterface
  public interface Call<T, E extends Exception> {
    T run() throws E;
  }

  private final String service;
  private final Semaphore slots;
  private final int permits;
  private final Duration maxWait;

  public ConcurrencyCap(String service, int permits, Duration maxWait) {
    this.service = service;
    this.permits = permits;
    this.slots = new Semaphore(permits, true);
    this.maxWait = maxWait;
  }

  /** Runs {@code call} in a slot, or throws {@link RateLimitedException} when none frees up. */
  public <T, E extends Exception> T run(Call<T, E> call) throws E {
    boolean acquired;
    try {
      acquired = slots.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      acquired = false;
    }
    if (!acquired) {
      throw new RateLimitedException(Limit.AWS_CONCURRENCY, "the broker is busy: " + permits
          + " " + service + " calls are in flight (rate_limits.aws); retry in "
          + Durations.format(RETRY_AFTER), RETRY_AFTER);
    }
    try {
      return call.run();
    } finally {
      slots.release();
    }
  }

  /** Slots free now. */
  public int available() {
    return slots.availablePermits();
  }
}
