package dev.credbroker.server.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.server.model.IssuedCredentials;
import dev.credbroker.server.testing.FakeSts;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * What the broker relies on from STS, stated so it can run against any AWS-compatible endpoint.
 * By default it runs against the in-process {@link FakeSts}. With
 * {@code CREDBROKER_CONFORMANCE_STS_ENDPOINT} (e.g. http://127.0.0.1:4566 for LocalStack, or
 * https://sts.us-east-1.amazonaws.com), {@code CREDBROKER_CONFORMANCE_REGION} and
 * {@code CREDBROKER_CONFORMANCE_ROLE_ARN} set, it runs against that endpoint with the AWS SDK's
 * default credentials (which must be allowed to assume the role). See docs/testing.md.
 */
class StsConformanceTest {
  private FakeSts fake;
  private SdkStsGateway gateway;
  private String roleArn;
  private URI endpoint;
  private Region region;

  @BeforeEach
  void start() throws Exception {
    String external = System.getenv("CREDBROKER_CONFORMANCE_STS_ENDPOINT");
    AwsCredentialsProvider credentials;
    if (external == null || external.isBlank()) {
      fake = FakeSts.start(Clock.systemUTC());
      endpoint = fake.endpoint();
      region = Region.US_EAST_1;
      roleArn = "arn:aws:iam::123456789012:role/conformance";
      credentials = StaticCredentialsProvider.create(
          AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID, FakeSts.BROKER_SECRET));
    } else {
      endpoint = URI.create(external);
      region = Region.of(required("CREDBROKER_CONFORMANCE_REGION"));
      roleArn = required("CREDBROKER_CONFORMANCE_ROLE_ARN");
      credentials = DefaultCredentialsProvider.builder().build();
    }
    gateway = SdkStsGateway.create(new AwsConfig(Optional.of(region.id()), Optional.of(endpoint),
        Duration.ofSeconds(30)), credentials, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    gateway.close();
    if (fake != null) {
      fake.close();
    }
  }

  @Test
  void assumeRole_returnsUsableCredentialsWithTheRequestedLifetime() throws Exception {
    Instant before = Instant.now();
    IssuedCredentials c = gateway.assumeRole(AssumeRoleCall.assumeRole(roleArn, "conformance-check",
        Duration.ofMinutes(15), Map.of(), List.of(), Optional.empty(), Optional.empty(), List.of(),
        Optional.empty()));

    assertTrue(c.accessKeyId().startsWith("ASIA"), c.accessKeyId());
    assertTrue(c.assumedRoleArn().endsWith("/conformance-check"), c.assumedRoleArn());
    Duration lifetime = Duration.between(before, c.expiration());
    assertTrue(lifetime.compareTo(Duration.ofMinutes(14)) > 0 && lifetime.compareTo(Duration.ofMinutes(16)) < 0,
        lifetime.toString());
    try (StsClient asRole = StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
        .region(region).endpointOverride(endpoint)
        .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
            c.accessKeyId(), c.secretAccessKey().reveal(), c.sessionToken().reveal()))).build()) {
      assertEquals(c.assumedRoleArn(), asRole.getCallerIdentity().arn());
    }
  }

  @Test
  void durationBelowFifteenMinutes_isAValidationError() {
    AwsCallException e = assertThrows(AwsCallException.class, () -> gateway.assumeRole(
        AssumeRoleCall.assumeRole(roleArn, "conformance-check", Duration.ofMinutes(10), Map.of(),
            List.of(), Optional.empty(), Optional.empty(), List.of(), Optional.empty())));
    assertEquals(AwsCallException.Kind.INVALID, e.kind());
    assertEquals("ValidationError", e.awsCode());
  }

  @Test
  void sessionNameOutsideThePattern_isAValidationError() {
    AwsCallException e = assertThrows(AwsCallException.class, () -> gateway.assumeRole(
        AssumeRoleCall.assumeRole(roleArn, "has spaces!", Duration.ofMinutes(15), Map.of(),
            List.of(), Optional.empty(), Optional.empty(), List.of(), Optional.empty())));
    assertEquals("ValidationError", e.awsCode());
  }

  private static String required(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " must be set with CREDBROKER_CONFORMANCE_STS_ENDPOINT");
    }
    return v;
  }
}
