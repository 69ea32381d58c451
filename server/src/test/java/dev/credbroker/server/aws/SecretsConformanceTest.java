package dev.credbroker.server.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.server.model.SecretVersion;
import dev.credbroker.server.testing.FakeSecretsManager;
import dev.credbroker.server.testing.FakeSts;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * What the broker relies on from Secrets Manager, stated so it can run against any compatible
 * endpoint. By default against the in-process {@link FakeSecretsManager}. With
 * {@code CREDBROKER_CONFORMANCE_SECRETS_ENDPOINT} (e.g. http://127.0.0.1:4566 for LocalStack, or
 * https://secretsmanager.us-east-1.amazonaws.com), {@code CREDBROKER_CONFORMANCE_REGION},
 * {@code CREDBROKER_CONFORMANCE_SECRET_ID} and {@code CREDBROKER_CONFORMANCE_SECRET_VALUE} (its
 * current string value) set, against that endpoint with the AWS SDK's default credentials. See
 * docs/testing.md.
 */
class SecretsConformanceTest {
  private FakeSecretsManager fake;
  private SdkSecretsGateway gateway;
  private SecretsManagerClient describe;
  private String secretId;
  private String value;

  @BeforeEach
  void start() throws Exception {
    String external = System.getenv("CREDBROKER_CONFORMANCE_SECRETS_ENDPOINT");
    URI endpoint;
    Region region;
    AwsCredentialsProvider credentials;
    if (external == null || external.isBlank()) {
      fake = FakeSecretsManager.start(Clock.systemUTC());
      secretId = "conformance/db";
      value = "conformance-" + UUID.randomUUID();
      fake.putString(secretId, value);
      endpoint = fake.endpoint();
      region = Region.of(FakeSecretsManager.REGION);
      credentials = StaticCredentialsProvider.create(
          AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID, FakeSts.BROKER_SECRET));
    } else {
      endpoint = URI.create(external);
      region = Region.of(required("CREDBROKER_CONFORMANCE_REGION"));
      secretId = required("CREDBROKER_CONFORMANCE_SECRET_ID");
      value = required("CREDBROKER_CONFORMANCE_SECRET_VALUE");
      credentials = DefaultCredentialsProvider.builder().build();
    }
    gateway = SdkSecretsGateway.create(new AwsConfig(Optional.of(region.id()), Optional.empty(),
        Duration.ofSeconds(30)).withSecretsManagerEndpoint(endpoint), credentials);
    describe = SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
        .region(region).endpointOverride(endpoint).credentialsProvider(credentials).build();
  }

  @AfterEach
  void stop() {
    describe.close();
    gateway.close();
    if (fake != null) {
      fake.close();
    }
  }

  @Test
  void current_isTheVersionDescribeSecretLabelsAwsCurrent() throws Exception {
    SecretVersion current = gateway.getSecretValue(SecretCall.current(secretId), Optional.empty());

    assertEquals(value, current.string().orElseThrow().reveal());
    assertTrue(current.versionStages().contains("AWSCURRENT"), current.versionStages().toString());
    assertTrue(current.createdDate().isPresent());
    Map<String, List<String>> stages = describe.describeSecret(r -> r.secretId(secretId))
        .versionIdsToStages();
    assertTrue(stages.get(current.versionId()).contains("AWSCURRENT"), stages.toString());
    assertEquals(current.arn(), describe.describeSecret(r -> r.secretId(secretId)).arn());
  }

  @Test
  void byVersionId_returnsThatVersion() throws Exception {
    SecretVersion current = gateway.getSecretValue(SecretCall.current(secretId), Optional.empty());
    SecretVersion byId = gateway.getSecretValue(new SecretCall(secretId,
        Optional.of(current.versionId()), Optional.empty()), Optional.empty());

    assertEquals(current.versionId(), byId.versionId());
    assertEquals(value, byId.string().orElseThrow().reveal());
  }

  @Test
  void missingSecretsAndStages_areNotFound() {
    AwsCallException secret = assertThrows(AwsCallException.class, () -> gateway.getSecretValue(
        SecretCall.current("credbroker-conformance-missing-" + UUID.randomUUID()), Optional.empty()));
    assertEquals("ResourceNotFoundException", secret.awsCode(), secret.getMessage());
    assertEquals(AwsCallException.Kind.NOT_FOUND, secret.kind());
    AwsCallException stage = assertThrows(AwsCallException.class, () -> gateway.getSecretValue(
        new SecretCall(secretId, Optional.empty(), Optional.of("CREDBROKER-NO-SUCH-STAGE")),
        Optional.empty()));
    assertEquals(AwsCallException.Kind.NOT_FOUND, stage.kind(), stage.getMessage());
  }

  @Test
  void versionIdOutsideItsLengthLimits_isRejectedAsInvalid() {
    AwsCallException e = assertThrows(AwsCallException.class, () -> gateway.getSecretValue(
        new SecretCall(secretId, Optional.of("too-short"), Optional.empty()), Optional.empty()));
    assertEquals(AwsCallException.Kind.INVALID, e.kind(), e.getMessage());
  }

  private static String required(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " must be set with CREDBROKER_CONFORMANCE_SECRETS_ENDPOINT");
    }
    return v;
  }
}
