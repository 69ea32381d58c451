package dev.credbroker.server.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.util.function.BooleanSupplier;

/** Whether the audit log is writable, read when scraped from the writer that owns it. */
final class AuditGauges {
  private volatile BooleanSupplier writable = () -> true;

  void track(BooleanSupplier writable) {
    this.writable = writable;
  }

  void writable(GaugeWithCallback.Callback callback) {
    callback.call(writable.getAsBoolean() ? 1 : 0);
  }
}
