package dev.credbroker.server.aws;

import dev.credbroker.server.limits.ConcurrencyCap;
import dev.credbroker.server.model.IssuedCredentials;

/** The gateway it wraps, with at most the cap's number of STS calls in flight. */
public final class CappedStsGateway implements StsGateway {
  private final StsGateway sts;
  private final ConcurrencyCap cap;

  public CappedStsGateway(StsGateway sts, ConcurrencyCap cap) {
    this.sts = sts;
    this.cap = cap;
  }

  @Override
  public IssuedCredentials assumeRole(AssumeRoleCall call) throws AwsCallException {
    return cap.run(() -> sts.assumeRole(call));
  }
}
