package dev.credbroker.server.aws;

import dev.credbroker.server.metrics.AwsMetrics;
import dev.credbroker.server.model.IssuedCredentials;

/** Counts and times every STS call of the gateway it wraps, by operation and outcome. */
public final class MeteredStsGateway implements StsGateway {
  private final StsGateway sts;
  private final AwsMetrics metrics;

  public MeteredStsGateway(StsGateway sts, AwsMetrics metrics) {
    this.sts = sts;
    this.metrics = metrics;
  }

  @Override
  public IssuedCredentials assumeRole(AssumeRoleCall call) throws AwsCallException {
    String operation = call.webIdentity().isPresent() ? "AssumeRoleWithWebIdentity" : "AssumeRole";
    return MeteredCall.record(metrics, "sts", operation, () -> sts.assumeRole(call));
  }
}
