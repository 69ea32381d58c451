package dev.credbroker.server.aws;

import dev.credbroker.server.metrics.AwsMetrics;
import java.util.Locale;

/**
 * Runs one AWS call and records it: its duration, and {@code ok} or the failure's kind as the
 * outcome, never the failure's text.
 */
final class MeteredCall {
  private MeteredCall() {}

  interface Call<T> {
    T run() throws AwsCallException;
  }

  static <T> T record(AwsMetrics metrics, String service, String operation, Call<T> call)
      throws AwsCallException {
    long start = System.nanoTime();
    try {
      T result = call.run();
      metrics.call(service, operation, "ok", System.nanoTime() - start);
      return result;
    } catch (AwsCallException e) {
      metrics.call(service, operation, e.kind().name().toLowerCase(Locale.ROOT),
          System.nanoTime() - start);
      throw e;
    }
  }
}
