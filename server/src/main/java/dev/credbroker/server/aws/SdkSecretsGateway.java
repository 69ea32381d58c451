package dev.credbroker.server.aws;

import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.server.aws.AwsCallException.Kind;
import dev.credbroker.server.model.IssuedCredentials;
import dev.credbroker.server.model.Secret;
import dev.credbroker.server.model.SecretBytes;
import dev.credbroker.server.model.SecretVersion;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Secrets Manager through the AWS SDK for Java v2, like {@link SdkStsGateway}: standard retries
 * of throttling and 5xx within {@code aws.call_timeout}, error codes mapped to the broker's kinds
 * (GetSecretValue API reference, "Errors"). A value over the service's 64 KiB limit, which only a
 * misbehaving endpoint can send, is refused, as is any response body over {@link #MAX_RESPONSE}.
 */
public final class SdkSecretsGateway implements SecretsGateway, AutoCloseable {
  /** 64 KiB of value JSON-escaped (up to 6 bytes a byte) plus the version's metadata. */
  static final long MAX_RESPONSE = 6L * SecretVersion.MAX_VALUE_BYTES + 16 * 1024;
  private static final Map<String, Kind> KINDS = Map.ofEntries(
      Map.entry("AccessDeniedException", Kind.DENIED),
      Map.entry("UnrecognizedClientException", Kind.DENIED),
      Map.entry("InvalidSignatureException", Kind.DENIED),
      Map.entry("ExpiredTokenException", Kind.DENIED),
      Map.entry("ResourceNotFoundException", Kind.NOT_FOUND),
      Map.entry("DecryptionFailure", Kind.INVALID),
      Map.entry("InvalidRequestException", Kind.INVALID),
      Map.entry("InvalidParameterException", Kind.INVALID),
      Map.entry("ValidationException", Kind.INVALID));

  private final LazyClient<SecretsManagerClient> client;

  private SdkSecretsGateway(LazyClient<SecretsManagerClient> client) {
    this.client = client;
  }

  /** With the broker's own credentials from the AWS SDK default chain. */
  public static SdkSecretsGateway create(AwsConfig config) {
    return create(config, DefaultCredentialsProvider.builder().build());
  }

  public static SdkSecretsGateway create(AwsConfig config, AwsCredentialsProvider credentials) {
    return new SdkSecretsGateway(new LazyClient<>("Secrets Manager", () -> {
      SecretsManagerClientBuilder b = SecretsManagerClient.builder()
          .httpClientBuilder(UrlConnectionHttpClient.builder())
          .credentialsProvider(credentials)
          .overrideConfiguration(o -> o.apiCallTimeout(config.callTimeout())
              .addExecutionInterceptor(new ResponseLimit(MAX_RESPONSE)));
      config.region().map(Region::of).ifPresent(b::region);
      config.secretsManagerEndpoint().ifPresent(b::endpointOverride);
      return b.build();
    }));
  }

  @Override
  public SecretVersion getSecretValue(SecretCall call, Optional<IssuedCredentials> as)
      throws AwsCallException {
    GetSecretValueRequest.Builder r = GetSecretValueRequest.builder().secretId(call.secretId());
    call.versionId().ifPresent(r::versionId);
    call.versionStage().ifPresent(r::versionStage);
    as.ifPresent(c -> r.overrideConfiguration(o -> o.credentialsProvider(StaticCredentialsProvider
        .create(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey().reveal(),
            c.sessionToken().reveal())))));
    GetSecretValueResponse response = AwsErrors.send("Secrets Manager", client.get(),
        sm -> sm.getSecretValue(r.build()), KINDS);
    return version(response);
  }

  private static SecretVersion version(GetSecretValueResponse r) throws AwsCallException {
    if ((r.secretString() == null) == (r.secretBinary() == null)) {
      throw new AwsCallException(Kind.UNAVAILABLE, "", "Secrets Manager returned "
          + (r.secretString() == null ? "no value" : "both a string and a binary value")
          + " for " + r.name() + "; refused");
    }
    SecretVersion v = new SecretVersion(Objects.toString(r.name(), ""),
        Objects.toString(r.arn(), ""), Objects.toString(r.versionId(), ""), r.versionStages(),
        Optional.ofNullable(r.createdDate()), Optional.ofNullable(r.secretString()).map(Secret::of),
        Optional.ofNullable(r.secretBinary()).map(b -> SecretBytes.of(b.asByteArrayUnsafe())),
        Objects.toString(r.responseMetadata().requestId(), ""));
    if (v.valueBytes() > SecretVersion.MAX_VALUE_BYTES) {
      throw new AwsCallException(Kind.UNAVAILABLE, "", "Secrets Manager returned a value of "
          + v.valueBytes() + " bytes for " + v.name() + ", over the service's limit of "
          + SecretVersion.MAX_VALUE_BYTES + "; refused");
    }
    return v;
  }

  @Override
  public void close() {
    client.close();
  }
}
