package dev.credbroker.server.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** The not-after of each listener's certificate in use, read when scraped (it changes on reload). */
final class CertificateExpiry {
  private final Map<String, Supplier<X509Certificate>> listeners = new ConcurrentHashMap<>();

  void track(String listener, Supplier<X509Certificate> leaf) {
    listeners.put(listener, leaf);
  }

  void report(GaugeWithCallback.Callback callback) {
    listeners.forEach((listener, leaf) ->
        callback.call(leaf.get().getNotAfter().getTime() / 1000.0, listener));
  }
}
