package dev.credbroker.server.metrics;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.server.limits.Limit;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;
import java.util.Locale;

/**
 * Calls by rpc, decision and status, and the rate limiter's refusals. The audit recorder counts
 * every call it records (so the metrics and the audit log agree), with the record's latency. Label
 * values must come from closed sets: the method's bare name, the audit decision, the status code's
 * name.
 */
public final class RequestMetrics {
  /** Each decision's label, lower-cased once rather than per call. */
  private static final String[] DECISIONS = java.util.Arrays.stream(AuditEvent.Decision.values())
      .map(RequestMetrics::lower).toArray(String[]::new);

  private final Counter calls;
  private final Histogram duration;
  private final Counter rateLimited;
  private final boolean recording;

  RequestMetrics(Counter calls, Histogram duration, Counter rateLimited, boolean recording) {
    this.recording = recording;
    this.calls = calls;
    this.duration = duration;
    this.rateLimited = rateLimited;
    for (Limit limit : Limit.values()) {
      rateLimited.labelValues(limit.label()); // 0 until it first refuses, so rate() has a series
    }
  }

  /**
   * Exports each of {@code rpcs} at 0 (answered OK, allowed) before its first call, so
   * dashboards and {@code rate()} show 0 rather than no data for an RPC nobody called yet.
   */
  public void expect(Iterable<String> rpcs) {
    for (String rpc : rpcs) {
      calls.labelValues(rpc, "allow", "OK");
      duration.labelValues(rpc);
    }
  }

  /** The start of a call, to hand back to {@link #finished}. */
  public long started() {
    return System.nanoTime();
  }

  /**
   * A call answered: {@code rpc} is the method's bare name ({@code GetAwsCredentials}),
   * {@code decision} {@code allow}, {@code deny} or {@code error}, {@code code} a gRPC status
   * code's name ({@code PERMISSION_DENIED}).
   */
  public void finished(String rpc, String decision, String code, long startedNanos) {
    calls.labelValues(rpc, decision.toLowerCase(Locale.ROOT), code).inc();
    duration.labelValues(rpc).observe((System.nanoTime() - startedNanos) / 1e9);
  }

  /** A recorded call: its decision and status as the audit record holds them, and its latency. */
  public void finished(String rpc, AuditEvent.Decision decision, String code, Duration latency) {
    if (!recording) {
      return;
    }
    calls.labelValues(rpc, DECISIONS[decision.ordinal()], code).inc();
    duration.labelValues(rpc).observe(latency.toNanos() / 1e9);
  }

  /** A call refused by {@code limit} (counted with its record, so both agree). */
  public void rateLimited(Limit limit) {
    rateLimited.labelValues(limit.label()).inc();
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
