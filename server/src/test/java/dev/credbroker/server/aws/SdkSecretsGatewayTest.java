package dev.credbroker.server.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.server.model.IssuedCredentials;
import dev.credbroker.server.model.SecretVersion;
import dev.credbroker.server.testing.FakeSecretsManager;
import dev.credbroker.server.testing.FakeSts;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The real AWS SDK, signing real JSON 1.1 requests, against the Secrets Manager fake. */
class SdkSecretsGatewayTest {
  private static final String PASSWORD = "db-password-7f3a9c";

  private FakeSecretsManager sm;
  private SdkSecretsGateway gateway;

  @BeforeEach
  void start() throws Exception {
    sm = FakeSecretsManager.start(Clock.systemUTC());
    sm.putString("payments/db", PASSWORD);
    gateway = gateway(FakeSts.BROKER_SECRET);
  }

  @AfterEach
  void stop() {
    gateway.close();
    sm.close();
  }

  @Test
  void stringSecret_comesWithItsVersionAndNeverPrintsItsValue() throws Exception {
    SecretVersion v = gateway.getSecretValue(SecretCall.current("payments/db"), Optional.empty());

    assertEquals(PASSWORD, v.string().orElseThrow().reveal());
    assertEquals("payments/db", v.name());
    assertEquals(sm.arn("payments/db"), v.arn());
    assertEquals(sm.versionId("payments/db", "AWSCURRENT"), v.versionId());
    assertEquals(List.of("AWSCURRENT"), v.versionStages());
    assertTrue(v.createdDate().isPresent());
    assertFalse(v.awsRequestId().isEmpty());
    assertFalse(v.toString().contains(PASSWORD), v.toString());
  }

  @Test
  void binarySecret_roundTripsEveryByte() throws Exception {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    sm.putBinary("keystore", all);

    SecretVersion v = gateway.getSecretValue(SecretCall.current("keystore"), Optional.empty());

    assertArrayEquals(all, v.binary().orElseThrow().reveal());
    assertTrue(v.string().isEmpty());
    assertEquals("<redacted 256 bytes>", v.binary().get().toString());
  }

  @Test
  void versionStagesAndIds_selectTheVersion() throws Exception {
    String first = sm.versionId("payments/db", "AWSCURRENT");
    String pending = sm.startRotation("payments/db", "next-password");

    assertEquals(List.of("AWSPENDING"), read(stage("AWSPENDING")).versionStages());
    assertEquals(PASSWORD, value(read(SecretCall.current("payments/db"))));
    sm.finishRotation("payments/db");

    assertEquals("next-password", value(read(SecretCall.current("payments/db"))));
    SecretVersion previous = read(stage("AWSPREVIOUS"));
    assertEquals(PASSWORD, value(previous));
    assertEquals(first, previous.versionId());
    SecretVersion byId = read(new SecretCall("payments/db", Optional.of(pending), Optional.empty()));
    assertEquals(List.of("AWSCURRENT"), byId.versionStages());
    assertEquals("next-password", value(byId));
  }

  @Test
  void secretIdMayBeTheArnOrThePartialArn() throws Exception {
    String arn = sm.arn("payments/db");
    assertEquals(PASSWORD, value(read(SecretCall.current(arn))));
    assertEquals(PASSWORD, value(read(SecretCall.current(arn.substring(0, arn.length() - 7)))));
  }

  @Test
  void awsErrors_mapToKindsWithTheirCodes() {
    assertKind(AwsCallException.Kind.NOT_FOUND, "ResourceNotFoundException", SecretCall.current("nope"));
    assertKind(AwsCallException.Kind.NOT_FOUND, "ResourceNotFoundException", stage("AWSPENDING"));
    assertKind(AwsCallException.Kind.INVALID, "ValidationException",
        new SecretCall("payments/db", Optional.of("too-short"), Optional.empty()));
    Map.of("AccessDeniedException", AwsCallException.Kind.DENIED,
        "DecryptionFailure", AwsCallException.Kind.INVALID,
        "InvalidParameterException", AwsCallException.Kind.INVALID).forEach((code, kind) -> {
          sm.failNext(1, 400, code);
          assertKind(kind, code, SecretCall.current("payments/db"));
        });
    sm.delete("payments/db");
    AwsCallException deleted = assertKind(AwsCallException.Kind.INVALID, "InvalidRequestException",
        SecretCall.current("payments/db"));
    assertTrue(deleted.getMessage().contains("marked for deletion"), deleted.getMessage());
  }

  @Test
  void wrongBrokerSecret_isRejectedBySignatureCheck() {
    try (SdkSecretsGateway wrong = gateway("not-the-secret")) {
      AwsCallException e = assertThrows(AwsCallException.class,
          () -> wrong.getSecretValue(SecretCall.current("payments/db"), Optional.empty()));
      assertEquals(AwsCallException.Kind.DENIED, e.kind());
      assertEquals("InvalidSignatureException", e.awsCode());
    }
  }

  @Test
  void throttlingAnd5xx_areRetried() throws Exception {
    sm.failNext(1, 400, "ThrottlingException");
    sm.failNext(1, 500, "InternalServiceError");

    assertEquals(PASSWORD, value(read(SecretCall.current("payments/db"))));
    assertEquals(3, sm.calls("GetSecretValue"));
  }

  @Test
  void unreachable_isUnavailable() {
    sm.close();
    assertKind(AwsCallException.Kind.UNAVAILABLE, "", SecretCall.current("payments/db"));
  }

  @Test
  void valuesOverTheServiceLimit_areRefusedAndNeverShown() throws Exception {
    sm.oversizedNext(1, SecretVersion.MAX_VALUE_BYTES);
    assertEquals(SecretVersion.MAX_VALUE_BYTES, read(SecretCall.current("payments/db")).valueBytes());

    sm.oversizedNext(1, SecretVersion.MAX_VALUE_BYTES + 1);
    AwsCallException over = assertKind(AwsCallException.Kind.UNAVAILABLE, "",
        SecretCall.current("payments/db"));
    assertTrue(over.getMessage().contains("65537 bytes"), over.getMessage());

    sm.oversizedNext(10, 4 << 20); // every attempt, retries included
    AwsCallException huge = assertKind(AwsCallException.Kind.UNAVAILABLE, "",
        SecretCall.current("payments/db"));
    assertTrue(huge.getMessage().contains("sent a response over"), huge.getMessage());
    assertFalse(huge.getMessage().contains("xxxx") || over.getMessage().contains("xxxx"));
  }

  @Test
  void roleCredentials_readWhatOnlyTheRoleMay() throws Exception {
    try (FakeSts sts = FakeSts.start(Clock.systemUTC()); SdkStsGateway stsGateway = SdkStsGateway.create(
        new AwsConfig(Optional.of("us-east-1"), Optional.of(sts.endpoint()), Duration.ofSeconds(20)),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID,
            FakeSts.BROKER_SECRET)), Clock.systemUTC())) {
      sm.trust(sts);
      IssuedCredentials role = stsGateway.assumeRole(AssumeRoleCall.assumeRole(
          "arn:aws:iam::123456789012:role/secrets-reader", "credbroker-secrets", Duration.ofHours(1),
          Map.of(), List.of(), Optional.empty(), Optional.empty(), List.of(), Optional.empty()));
      sm.restrictTo("payments/db", role.assumedRoleArn());

      assertKind(AwsCallException.Kind.DENIED, "AccessDeniedException", SecretCall.current("payments/db"));
      assertEquals(PASSWORD, value(gateway.getSecretValue(SecretCall.current("payments/db"),
          Optional.of(role))));
    }
  }

  private SecretVersion read(SecretCall call) throws AwsCallException {
    return gateway.getSecretValue(call, Optional.empty());
  }

  private static SecretCall stage(String stage) {
    return new SecretCall("payments/db", Optional.empty(), Optional.of(stage));
  }

  private static String value(SecretVersion v) {
    return v.string().orElseThrow().reveal();
  }

  private AwsCallException assertKind(AwsCallException.Kind kind, String code, SecretCall call) {
    AwsCallException e = assertThrows(AwsCallException.class, () -> read(call));
    assertEquals(kind, e.kind(), e.getMessage());
    assertEquals(code, e.awsCode(), e.getMessage());
    return e;
  }

  private SdkSecretsGateway gateway(String secret) {
    return SdkSecretsGateway.create(new AwsConfig(Optional.of("us-east-1"), Optional.empty(),
            Duration.ofSeconds(20)).withSecretsManagerEndpoint(sm.endpoint()),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID, secret)));
  }
}
