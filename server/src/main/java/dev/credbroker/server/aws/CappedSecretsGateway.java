package dev.credbroker.server.aws;

import dev.credbroker.server.limits.ConcurrencyCap;
import dev.credbroker.server.model.IssuedCredentials;
import dev.credbroker.server.model.SecretVersion;
import java.util.Optional;

/** The gateway it wraps, with at most the cap's number of Secrets Manager calls in flight. */
public final class CappedSecretsGateway implements SecretsGateway {
  private final SecretsGateway secrets;
  private final ConcurrencyCap cap;

  public CappedSecretsGateway(SecretsGateway secrets, ConcurrencyCap cap) {
    this.secrets = secrets;
    this.cap = cap;
  }

  @Override
  public SecretVersion getSecretValue(SecretCall call, Optional<IssuedCredentials> as)
      throws AwsCallException {
    return cap.run(() -> secrets.getSecretValue(call, as));
  }
}
