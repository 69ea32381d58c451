package dev.credbroker.server.aws;

import dev.credbroker.server.model.IssuedCredentials;
import dev.credbroker.server.model.SecretVersion;
import java.util.Optional;

/** The broker's only way to read Secrets Manager; small so tests and benchmarks can stand in. */
public interface SecretsGateway {

  /**
   * Calls GetSecretValue, with {@code as} (a role's credentials) or else the broker's own;
   * blocking, so callers run it off the gRPC transport threads.
   */
  SecretVersion getSecretValue(SecretCall call, Optional<IssuedCredentials> as)
      throws AwsCallException;
}
