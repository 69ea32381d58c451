package dev.credbroker.server.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The audit log's writes, and the hook through which the fleet store's shipper reports how far
 * behind the local trail it is ({@link #shipperLag}).
 */
public final class AuditMetrics {
  private final CounterDataPoint records;
  private final CounterDataPoint bytes;
  private final DistributionDataPoint writeSeconds;
  private final CounterDataPoint failures;
  private final Gauge lagRecords;
  private final Gauge lagSeconds;
  private final AuditGauges gauges;
  private final boolean recording;

  AuditMetrics(Counter records, Counter bytes, Histogram writeSeconds, Counter failures,
      Gauge lagRecords, Gauge lagSeconds, AuditGauges gauges, boolean recording) {
    this.recording = recording;
    this.records = records;
    this.bytes = bytes;
    this.writeSeconds = writeSeconds;
    this.failures = failures;
    this.lagRecords = lagRecords;
    this.lagSeconds = lagSeconds;
    this.gauges = gauges;
  }

  /** A write of {@code decisionRecords} decisions in {@code bytes} that took {@code nanos}. */
  public void written(int decisionRecords, long bytes, long nanos) {
    if (!recording) {
      return;
    }
    records.inc(decisionRecords);
    this.bytes.inc(bytes);
    writeSeconds.observe(nanos / 1e9);
  }

  /** A write that failed (and was rolled back). */
  public void failed(long nanos) {
    failures.inc();
    writeSeconds.observe(nanos / 1e9);
  }

  /** Where {@code credbroker_audit_writable} is read at scrape time. */
  public void writable(BooleanSupplier writable) {
    gauges.track(writable);
  }

  /**
   * For the fleet store's shipper: records written locally and not yet stored, and the age of
   * the oldest of them ({@code Duration.ZERO} when caught up).
   */
  public void shipperLag(long records, Duration oldest) {
    lagRecords.set(records);
    lagSeconds.set(oldest.toMillis() / 1000.0);
  }
}
