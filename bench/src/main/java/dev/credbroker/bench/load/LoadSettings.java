package dev.credbroker.bench.load;

import java.time.Duration;

/**
 * How hard and how long to drive a server: {@code concurrency} calls outstanding at all times
 * (closed loop: each completion starts the next call), spread round-robin over {@code channels}
 * connections; latencies are recorded only after {@code warmup}, for {@code duration}.
 */
public record LoadSettings(int concurrency, int channels, Duration warmup, Duration duration) {

  public LoadSettings {
    if (concurrency < 1 || concurrency > 100_000) {
      throw new IllegalArgumentException("concurrency must be 1-100000, got " + concurrency);
    }
    if (channels < 1 || channels > 1_000) {
      throw new IllegalArgumentException("channels must be 1-1000, got " + channels);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warm-up must not be negative, got " + warmup);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive, got " + duration);
    }
  }

  public LoadSettings withConcurrency(int n) {
    return new LoadSettings(n, channels, warmup, duration);
  }

  public LoadSettings withChannels(int n) {
    return new LoadSettings(concurrency, n, warmup, duration);
  }
}
