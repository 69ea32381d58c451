package dev.credbroker.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;

/**
 * STS and Secrets Manager calls. {@code operation} is an AWS API name and {@code outcome} is
 * {@code ok} or the broker's kind of AWS error (denied, not_found, invalid, region_disabled,
 * throttled, unavailable): both closed sets, never an AWS message or a resource name.
 */
public final class AwsMetrics {
  private final Counter calls;
  private final Histogram duration;

  AwsMetrics(Counter calls, Histogram duration) {
    this.calls = calls;
    this.duration = duration;
    // Exported at 0 before the first call, so error ratios and dashboards have a series.
    for (String[] op : new String[][] {{"sts", "AssumeRole"}, {"sts", "AssumeRoleWithWebIdentity"},
        {"secretsmanager", "GetSecretValue"}}) {
      calls.labelValues(op[0], op[1], "ok");
      duration.labelValues(op[0], op[1]);
    }
  }

  /** One call that took {@code nanos}; {@code outcome} as above. */
  public void call(String service, String operation, String outcome, long nanos) {
    calls.labelValues(service, operation, outcome).inc();
    duration.labelValues(service, operation).observe(nanos / 1e9);
  }
}
