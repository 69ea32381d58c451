package dev.credbroker.server.aws;

import dev.credbroker.server.metrics.AwsMetrics;
import dev.credbroker.server.model.IssuedCredentials;
import dev.credbroker.server.model.SecretVersion;
import java.util.Optional;

/** Counts and times every Secrets Manager call of the gateway it wraps, by outcome. */
public final class MeteredSecretsGateway implements SecretsGateway {
  private final SecretsGateway secrets;
  private final AwsMetrics metrics;

  public MeteredSecretsGateway(SecretsGateway secrets, AwsMetrics metrics) {
    this.secrets = secrets;
    this.metrics = metrics;
  }

  @Override
  public SecretVersion getSecretValue(SecretCall call, Optional<IssuedCredentials> as)
      throws AwsCallException {
    return MeteredCall.record(metrics, "secretsmanager", "GetSecretValue",
        () -> secrets.getSecretValue(call, as));
  }
}
