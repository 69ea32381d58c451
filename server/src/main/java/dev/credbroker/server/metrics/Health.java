package dev.credbroker.server.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What the gRPC health service reports per service, as last set. */
final class Health {
  private final Map<String, Boolean> serving = new ConcurrentHashMap<>();

  void set(String service, boolean up) {
    serving.put(service, up);
  }

  void report(GaugeWithCallback.Callback callback) {
    serving.forEach((service, up) -> callback.call(up ? 1 : 0, service));
  }
}
