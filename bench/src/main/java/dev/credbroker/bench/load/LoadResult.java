package dev.credbroker.bench.load;

import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one load run saw: calls that succeeded inside the measurement window and their latency
 * (nanoseconds, 3 significant digits), and failures by status code over the whole run, warm-up
 * included (a failure anywhere means the numbers describe something other than the scenario).
 */
public record LoadResult(long calls, Map<Status.Code, Long> errors, Duration measured,
    Histogram latencyNanos) {

  public LoadResult {
    errors = Map.copyOf(new TreeMap<>(errors));
  }

  /** Successful calls per second over the measurement window. */
  public double throughput() {
    return calls / (measured.toNanos() / 1e9);
  }

  /** The latency at {@code percentile} (0-100), in microseconds. */
  public double micros(double percentile) {
    return latencyNanos.getValueAtPercentile(percentile) / 1_000.0;
  }

  /** Both runs as one: calls, failures, measured time and latencies added up. */
  public LoadResult plus(LoadResult other) {
    Histogram sum = latencyNanos.copy();
    sum.add(other.latencyNanos);
    Map<Status.Code, Long> failed = new TreeMap<>(errors);
    other.errors.forEach((code, n) -> failed.merge(code, n, Long::sum));
    return new LoadResult(calls + other.calls, failed, measured.plus(other.measured), sum);
  }

  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }
}
