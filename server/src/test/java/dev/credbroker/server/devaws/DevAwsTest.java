package dev.credbroker.server.devaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.server.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * The development AWS endpoint through the real AWS SDK: what it accepts and what it refuses, as
 * the STS and Secrets Manager API references document it.
 */
class DevAwsTest {
  private static final String ROLE = "arn:aws:iam::111122223333:role/dev-deployer";

  private final MutableClock clock = MutableClock.startingNow();
  private DevAws aws;
  private final List<AutoCloseable> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    aws = DevAws.builder().clock(clock).start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : clients) {
      c.close();
    }
    aws.close();
  }

  @Test
  void assumeRole_thenGetCallerIdentity_answersAsTheAssumedRole() {
    Credentials c = assume(ROLE, "dev-user.1234", 3600);
    var who = sts(session(c)).getCallerIdentity();
    assertEquals("arn:aws:sts::111122223333:assumed-role/dev-deployer/dev-user.1234", who.arn());
    assertEquals("111122223333", who.account());
    assertEquals(c.expiration(), clock.instant().plusSeconds(3600)
        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertEquals("arn:aws:iam::111122223333:user/credbroker-dev",
        sts(broker()).getCallerIdentity().arn());
  }

  @Test
  void wrongSecretKey_isRefusedByBothServices() {
    AwsCredentials wrong = AwsBasicCredentials.create(aws.credentials().brokerKey().id(),
        "not-the-secret-key-0000000000000000000000");
    assertEquals("SignatureDoesNotMatch", code(() -> sts(wrong).getCallerIdentity()));
    aws.secrets().putString("dev/db", "{}");
    assertEquals("InvalidSignatureException",
        code(() -> secrets(wrong).getSecretValue(r -> r.secretId("dev/db"))));
  }

  @Test
  void unknownKey_isRefused() {
    AwsCredentials unknown = AwsBasicCredentials.create("AKIAUNKNOWNKEY000000", "x".repeat(40));
    assertEquals("InvalidClientTokenId", code(() -> sts(unknown).getCallerIdentity()));
    assertEquals("UnrecognizedClientException",
        code(() -> secrets(unknown).describeSecret(r -> r.secretId("dev/db"))));
  }

  @Test
  void signingTimeMoreThanFifteenMinutesOff_isRefused() throws Exception {
    try (DevAws skewed = DevAws.builder().signatureClock(
        Clock.offset(Clock.systemUTC(), Duration.ofMinutes(16))).start()) {
      AwsCredentials key = AwsBasicCredentials.create(skewed.credentials().brokerKey().id(),
          skewed.credentials().brokerKey().secret());
      StsClient client = track(StsClient.builder().endpointOverride(skewed.endpoint())
          .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
          .credentialsProvider(StaticCredentialsProvider.create(key))
          .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build());
      AwsServiceException e = assertThrows(AwsServiceException.class, client::getCallerIdentity);
      assertEquals("SignatureDoesNotMatch", e.awsErrorDetails().errorCode());
      assertTrue(e.awsErrorDetails().errorMessage().startsWith("Signature expired"),
          e.awsErrorDetails().errorMessage());
    }
  }

  @Test
  void session_withoutItsTokenOrExpired_isRefused() {
    Credentials c = assume(ROLE, "dev-user.1234", 900);
    AwsCredentials noToken = AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey());
    assertEquals("InvalidClientTokenId", code(() -> sts(noToken).getCallerIdentity()));
    clock.advance(Duration.ofSeconds(900));
    assertEquals("ExpiredToken", code(() -> sts(session(c)).getCallerIdentity()));
  }

  @ParameterizedTest
  @ValueSource(ints = {899, 43_201, -1, 0})
  void assumeRole_durationOutsideTheDocumentedRange_isAValidationError(int seconds) {
    assertEquals("ValidationError", code(() -> assume(ROLE, "dev-user", seconds)));
  }

  @Test
  void assumeRole_durationAtTheDocumentedLimits_isAccepted() {
    assume(ROLE, "dev-user", 900);
    assume(ROLE, "dev-user", 43_200);
    aws.maxSessionDuration(Duration.ofHours(1));
    assertEquals("ValidationError", code(() -> assume(ROLE, "dev-user", 3601)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "has space", "semi;colon", "sixty-five-characters-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
  void assumeRole_sessionNameOutsideThePattern_isAValidationError(String name) {
    assertEquals("ValidationError", code(() -> assume(ROLE, name, 900)));
  }

  @Test
  void assumeRole_roleArnThatIsNotARole_isAValidationError() {
    assertEquals("ValidationError",
        code(() -> assume("arn:aws:iam::111122223333:user/someone", "dev-user", 900)));
  }

  @Test
  void assumeRole_tagLimits_asDocumented() {
    assertEquals("ValidationError", code(() -> assumeWith(r -> r.tags(tags(51)))));
    assertEquals("ValidationError", code(() -> assumeWith(r -> r.tags(
        Tag.builder().key("team").value("v".repeat(257)).build()))));
    assertEquals("ValidationError", code(() -> assumeWith(r -> r.tags(
        Tag.builder().key("k".repeat(129)).value("v").build()))));
    assertEquals("InvalidParameterValue", code(() -> assumeWith(r -> r.tags(
        Tag.builder().key("Team").value("a").build(), Tag.builder().key("team").value("b").build()))));
    assertEquals("InvalidParameterValue", code(() -> assumeWith(r -> r.tags(tags(1))
        .transitiveTagKeys("not-a-tag"))));
    assertEquals("PackedPolicyTooLarge", code(() -> assumeWith(r -> r.tags(tags(50).stream()
        .map(t -> t.toBuilder().value("v".repeat(60)).build()).toList()))));
    assumeWith(r -> r.tags(tags(50)).transitiveTagKeys("key1"));
  }

  @Test
  void assumeRole_sourceIdentityAndPolicy_asDocumented() {
    assertEquals("ValidationError", code(() -> assumeWith(r -> r.sourceIdentity("aws:me"))));
    assertEquals("ValidationError", code(() -> assumeWith(r -> r.sourceIdentity("a b"))));
    assertEquals("MalformedPolicyDocument", code(() -> assumeWith(r -> r.policy("{not json"))));
    assertEquals("dev-user", assumeWithResponse(r -> r.sourceIdentity("dev-user")).sourceIdentity());
  }

  @Test
  void putSecretValue_movesTheStagingLabels_andTheRotationIsRead() {
    String first = aws.secrets().putString("dev/db", "{\"password\":\"one\"}");
    SecretsManagerClient sm = secrets(session(assume(ROLE, "dev-user", 900)));
    PutSecretValueResponse put = sm.putSecretValue(r -> r.secretId("dev/db")
        .secretString("{\"password\":\"two\"}"));
    assertEquals(List.of("AWSCURRENT"), put.versionStages());
    GetSecretValueResponse current = sm.getSecretValue(r -> r.secretId("dev/db"));
    assertEquals("{\"password\":\"two\"}", current.secretString());
    assertEquals(put.versionId(), current.versionId());
    assertEquals(first, aws.secrets().versionId("dev/db", DevSecretStore.PREVIOUS));
    assertEquals("{\"password\":\"one\"}", sm.getSecretValue(r -> r.secretId("dev/db")
        .versionStage("AWSPREVIOUS")).secretString());
    assertEquals("ResourceNotFoundException",
        code(() -> sm.getSecretValue(r -> r.secretId("dev/db").versionStage("AWSPENDING"))));
  }

  @Test
  void putSecretValue_requestToken_isIdempotentForTheSameValueOnly() {
    aws.secrets().putString("dev/db", "one");
    SecretsManagerClient sm = secrets(broker());
    String token = "0123456789abcdef0123456789abcdef";
    String id = sm.putSecretValue(r -> r.secretId("dev/db").clientRequestToken(token)
        .secretString("two")).versionId();
    assertEquals(id, sm.putSecretValue(r -> r.secretId("dev/db").clientRequestToken(token)
        .secretString("two")).versionId());
    assertEquals("ResourceExistsException", code(() -> sm.putSecretValue(r ->
        r.secretId("dev/db").clientRequestToken(token).secretString("three"))));
    assertEquals("InvalidParameterException", code(() -> sm.putSecretValue(r ->
        r.secretId("dev/db").secretString("a").secretBinary(SdkBytes.fromUtf8String("b")))));
    assertEquals("ValidationException", code(() -> sm.putSecretValue(r ->
        r.secretId("dev/db").secretString("x".repeat(65_537)))));
    assertEquals("ResourceNotFoundException", code(() -> sm.putSecretValue(r ->
        r.secretId("no/such").secretString("a"))));
  }

  @Test
  void readonlyRole_mayReadButNotWrite() {
    aws.secrets().putString("dev/db", "one");
    SecretsManagerClient readonly = secrets(session(assume(
        "arn:aws:iam::111122223333:role/dev-readonly", "dev-user", 900)));
    assertEquals("one", readonly.getSecretValue(r -> r.secretId("dev/db")).secretString());
    assertEquals("AccessDeniedException", code(() -> readonly.putSecretValue(r ->
        r.secretId("dev/db").secretString("two"))));
  }

  @Test
  void seed_keepsAConfiguredArn_andNeverOverwrites() {
    String arn = "arn:aws:secretsmanager:eu-west-1:999999999999:secret:prod/db-AbCdEf";
    aws.secrets().seed(arn, "seeded");
    aws.secrets().seed(arn, "again");
    aws.secrets().seed("plain/name", "plain");
    SecretsManagerClient sm = secrets(broker());
    GetSecretValueResponse byArn = sm.getSecretValue(r -> r.secretId(arn));
    assertEquals("seeded", byArn.secretString());
    assertEquals("prod/db", byArn.name());
    assertEquals("plain", sm.getSecretValue(r -> r.secretId("plain/name")).secretString());
  }

  private static List<Tag> tags(int n) {
    List<Tag> tags = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      tags.add(Tag.builder().key("key" + i).value("v").build());
    }
    return tags;
  }

  private Credentials assume(String role, String session, int seconds) {
    return sts(broker()).assumeRole(r -> r.roleArn(role).roleSessionName(session)
        .durationSeconds(seconds)).credentials();
  }

  private void assumeWith(Consumer<AssumeRoleRequest.Builder> extra) {
    assumeWithResponse(extra);
  }

  private software.amazon.awssdk.services.sts.model.AssumeRoleResponse assumeWithResponse(
      Consumer<AssumeRoleRequest.Builder> extra) {
    AssumeRoleRequest.Builder r = AssumeRoleRequest.builder().roleArn(ROLE)
        .roleSessionName("dev-user").durationSeconds(900);
    extra.accept(r);
    return sts(broker()).assumeRole(r.build());
  }

  private AwsCredentials broker() {
    AccessKey key = aws.credentials().brokerKey();
    return AwsBasicCredentials.create(key.id(), key.secret());
  }

  private static AwsCredentials session(Credentials c) {
    return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
  }

  private StsClient sts(AwsCredentials as) {
    return track(StsClient.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(as))
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build());
  }

  private SecretsManagerClient secrets(AwsCredentials as) {
    return track(SecretsManagerClient.builder().endpointOverride(aws.endpoint())
        .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(as))
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build());
  }

  private <T extends AutoCloseable> T track(T client) {
    clients.add(client);
    return client;
  }

  private static String code(Runnable call) {
    return assertThrows(AwsServiceException.class, call::run).awsErrorDetails().errorCode();
  }
}
