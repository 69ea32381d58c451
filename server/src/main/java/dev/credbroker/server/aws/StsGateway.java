package dev.credbroker.server.aws;

import dev.credbroker.server.model.IssuedCredentials;

/** The broker's only way to mint AWS credentials; small so tests and benchmarks can stand in. */
public interface StsGateway {

  /** Calls STS AssumeRole; blocking, so callers run it off the gRPC transport threads. */
  IssuedCredentials assumeRole(AssumeRoleCall call) throws AwsCallException;
}
