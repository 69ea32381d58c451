package dev.credbroker.server.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.server.model.IssuedCredentials;
import dev.credbroker.server.testing.FakeSts;
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
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/** The real AWS SDK, signing real HTTP requests, against the STS fake that verifies them. */
class SdkStsGatewayTest {
  private static final String ROLE = "arn:aws:iam::123456789012:role/payments-deployer";

  private FakeSts sts;
  private SdkStsGateway gateway;

  @BeforeEach
  void start() throws Exception {
    sts = FakeSts.start(Clock.systemUTC());
    gateway = gateway(FakeSts.BROKER_SECRET);
  }

  @AfterEach
  void stop() {
    gateway.close();
    sts.close();
  }

  @Test
  void assumeRole_sendsEveryGrantedParameterAndReturnsTheCredentials() throws Exception {
    Instant before = Instant.now();
    IssuedCredentials c = gateway.assumeRole(AssumeRoleCall.assumeRole(ROLE, "alice@corp", Duration.ofMinutes(30),
        Map.of("team", "payments"), List.of("team"), Optional.of("alice"),
        Optional.of("{\"Version\":\"2012-10-17\",\"Statement\":[]}"),
        List.of("arn:aws:iam::aws:policy/ReadOnlyAccess"), Optional.of("ext-42")));

    assertTrue(c.accessKeyId().startsWith("ASIA"), c.accessKeyId());
    assertEquals("arn:aws:sts::123456789012:assumed-role/payments-deployer/alice@corp", c.assumedRoleArn());
    assertEquals(Optional.of("alice"), c.sourceIdentity());
    assertTrue(c.expiration().isAfter(before.plus(Duration.ofMinutes(29))), c.expiration().toString());
    assertFalse(c.toString().contains(sts.minted(c.accessKeyId()).secret()), c.toString());
    Map<String, String> sent = sts.assumeRoleRequests().get(0);
    assertEquals("1800", sent.get("DurationSeconds"));
    assertEquals("team", sent.get("Tags.member.1.Key"));
    assertEquals("payments", sent.get("Tags.member.1.Value"));
    assertEquals("team", sent.get("TransitiveTagKeys.member.1"));
    assertEquals("arn:aws:iam::aws:policy/ReadOnlyAccess", sent.get("PolicyArns.member.1.arn"));
    assertEquals("ext-42", sent.get("ExternalId"));
  }

  @Test
  void mintedCredentials_workWithTheAwsSdkAsTheAssumedRole() throws Exception {
    IssuedCredentials c = gateway.assumeRole(call("bob", Duration.ofMinutes(15)));
    try (StsClient asRole = StsClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .region(Region.US_EAST_1).endpointOverride(sts.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
            c.accessKeyId(), c.secretAccessKey().reveal(), c.sessionToken().reveal())))
        .build()) {
      assertEquals(c.assumedRoleArn(), asRole.getCallerIdentity().arn());
    }
  }

  @Test
  void wrongBrokerSecret_isRejectedBySignatureCheck() {
    try (SdkStsGateway wrong = gateway("not-the-secret")) {
      AwsCallException e = assertThrows(AwsCallException.class, () -> wrong.assumeRole(call("x1", Duration.ofMinutes(15))));
      assertEquals(AwsCallException.Kind.DENIED, e.kind());
      assertEquals("SignatureDoesNotMatch", e.awsCode());
    }
  }

  @Test
  void awsValidation_surfacesWithItsErrorCode() {
    AwsCallException shortDuration = assertThrows(AwsCallException.class,
        () -> gateway.assumeRole(call("alice", Duration.ofMinutes(10))));
    assertEquals(AwsCallException.Kind.INVALID, shortDuration.kind());
    assertTrue(shortDuration.getMessage().startsWith("STS ValidationError: 1 validation error detected"),
        shortDuration.getMessage());

    AwsCallException badName = assertThrows(AwsCallException.class,
        () -> gateway.assumeRole(call("has space", Duration.ofMinutes(15))));
    assertEquals("ValidationError", badName.awsCode());

    sts.maxSessionDuration(Duration.ofHours(1));
    AwsCallException tooLong = assertThrows(AwsCallException.class,
        () -> gateway.assumeRole(call("alice", Duration.ofHours(2))));
    assertTrue(tooLong.getMessage().contains("exceeds the MaxSessionDuration"), tooLong.getMessage());
  }

  @Test
  void awsRefusals_mapToKinds() {
    Map<String, AwsCallException.Kind> cases = Map.of(
        "AccessDenied", AwsCallException.Kind.DENIED,
        "MalformedPolicyDocument", AwsCallException.Kind.INVALID,
        "PackedPolicyTooLarge", AwsCallException.Kind.INVALID,
        "RegionDisabledException", AwsCallException.Kind.REGION_DISABLED);
    cases.forEach((code, kind) -> {
      sts.failNext(1, 403, code);
      AwsCallException e = assertThrows(AwsCallException.class, () -> gateway.assumeRole(call("a1", Duration.ofMinutes(15))));
      assertEquals(kind, e.kind(), code);
      assertEquals(code, e.awsCode());
    });
  }

  @Test
  void throttlingAnd5xx_areRetried() throws Exception {
    sts.failNext(1, 400, "Throttling");
    sts.failNext(1, 503, "ServiceUnavailable");

    IssuedCredentials c = gateway.assumeRole(call("retry", Duration.ofMinutes(15)));

    assertTrue(c.accessKeyId().startsWith("ASIA"));
    assertEquals(3, sts.calls("AssumeRole"));
  }

  @Test
  void stsDown_isUnavailable() {
    sts.close();
    AwsCallException e = assertThrows(AwsCallException.class, () -> gateway.assumeRole(call("a1", Duration.ofMinutes(15))));
    assertEquals(AwsCallException.Kind.UNAVAILABLE, e.kind());
  }

  private SdkStsGateway gateway(String secret) {
    return SdkStsGateway.create(
        new AwsConfig(Optional.of("us-east-1"), Optional.of(sts.endpoint()), Duration.ofSeconds(20)),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID, secret)),
        Clock.systemUTC());
  }

  private static AssumeRoleCall call(String session, Duration duration) {
    return AssumeRoleCall.assumeRole(ROLE, session, duration, Map.of(), List.of(), Optional.empty(),
        Optional.empty(), List.of(), Optional.empty());
  }
}
