package dev.credbroker.server.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** The caches' sizes, read when scraped: Caffeine's estimate, which costs nothing to keep. */
final class CacheEntries {
  private final Map<String, LongSupplier> sizes = new ConcurrentHashMap<>();

  void track(String cache, LongSupplier size) {
    sizes.put(cache, size);
  }

  void report(GaugeWithCallback.Callback callback) {
    sizes.forEach((cache, size) -> callback.call(size.getAsLong(), cache));
  }
}
