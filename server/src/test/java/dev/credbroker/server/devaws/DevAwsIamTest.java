package dev.credbroker.server.devaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.server.testing.MutableClock;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.LimitExceededException;
import software.amazon.awssdk.services.iam.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * IAM's inline role policies on the development endpoint, through the real AWS SDK's IAM
 * client: the round trip (with GetRolePolicy's URL-encoded document), the policy grammar, the
 * per-role size limit, that only the broker's own key may change IAM, and that a role's explicit
 * denies refuse the sessions they name.
 */
class DevAwsIamTest {
  private static final String ROLE = "dev-deployer";
  private static final String DENY = """
      {"Version":"2012-10-17","Statement":[{"Sid":"RevokeDevUser","Effect":"Deny","Action":"*",
       "Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-11-30T15:00:00Z"},
       "StringEquals":{"aws:SourceIdentity":"dev-user"}}}]}""";

  private final MutableClock clock = MutableClock.startingNow();
  private DevAws aws;
  private IamClient iam;

  @BeforeEach
  void start() throws Exception {
    aws = DevAws.builder().clock(clock).start();
    AccessKey key = aws.credentials().brokerKey();
    iam = iam(AwsBasicCredentials.create(key.id(), key.secret()));
  }

  @AfterEach
  void stop() {
    iam.close();
    aws.close();
  }

  @Test
  void putGetListDelete_roundTripsTheDocument() {
    iam.putRolePolicy(r -> r.roleName(ROLE).policyName("credbroker-revocations").policyDocument(DENY));
    iam.putRolePolicy(r -> r.roleName(ROLE).policyName("a-first").policyDocument(DENY));

    String encoded = iam.getRolePolicy(r -> r.roleName(ROLE).policyName("credbroker-revocations"))
        .policyDocument();
    assertEquals(DENY, URLDecoder.decode(encoded, StandardCharsets.UTF_8));
    assertEquals(List.of("a-first", "credbroker-revocations"),
        iam.listRolePolicies(r -> r.roleName(ROLE)).policyNames());
    assertEquals(List.of(), iam.listRolePolicies(r -> r.roleName("other-role")).policyNames());

    iam.deleteRolePolicy(r -> r.roleName(ROLE).policyName("credbroker-revocations"));
    assertThrows(NoSuchEntityException.class, () -> iam.getRolePolicy(r -> r.roleName(ROLE)
        .policyName("credbroker-revocations")));
    NoSuchEntityException again = assertThrows(NoSuchEntityException.class,
        () -> iam.deleteRolePolicy(r -> r.roleName(ROLE).policyName("credbroker-revocations")));
    assertEquals(404, again.statusCode());
    assertEquals(List.of("a-first"), aws.rolePolicies().names(ROLE));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "not json",
      "[]",
      "{\"Version\":\"2012-10-17\"}",
      "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
      "{\"Version\":\"2019-01-01\",\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}}",
      "{\"Statement\":{\"Effect\":\"Block\",\"Action\":\"*\",\"Resource\":\"*\"}}",
      "{\"Statement\":{\"Effect\":\"Deny\",\"Resource\":\"*\"}}",
      "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}}",
      "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"s3GetObject\",\"Resource\":\"*\"}}",
      "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\"}}",
      "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"bucket\"}}",
      "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Principal\":\"*\"}}",
      "{\"Statement\":{\"Sid\":\"has space\",\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}}",
      "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateBefore\":{\"aws:TokenIssueTime\":\"x\"}}}}",
      "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"k\":{\"nested\":1}}}}}",
      "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Extra\":1}}"})
  void malformedDocuments_areRefusedAsIamRefusesThem(String document) {
    assertThrows(MalformedPolicyDocumentException.class, () -> iam.putRolePolicy(r -> r
        .roleName(ROLE).policyName("p").policyDocument(document)));
    assertEquals(List.of(), aws.rolePolicies().names(ROLE));
  }

  @Test
  void conditionOperatorsWithQualifiers_areAccepted() {
    String qualified = "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":[\"s3:Get*\",\"sts:*\"],"
        + "\"Resource\":[\"*\"],\"Condition\":{\"ForAnyValue:StringLike\":{\"aws:TagKeys\":[\"a*\"]},"
        + "\"StringEqualsIfExists\":{\"aws:SourceIdentity\":\"x\"},\"Bool\":{\"aws:SecureTransport\":false}}}}";
    iam.putRolePolicy(r -> r.roleName(ROLE).policyName("p").policyDocument(qualified));
    assertEquals(qualified, aws.rolePolicies().get(ROLE, "p").orElseThrow());
  }

  @Test
  void aRolesInlinePolicies_areLimitedTo10240CharactersWithoutWhitespace() {
    String big = document(6_000);
    iam.putRolePolicy(r -> r.roleName(ROLE).policyName("one").policyDocument(big));
    iam.putRolePolicy(r -> r.roleName(ROLE).policyName("one").policyDocument(big)); // replaces
    LimitExceededException e = assertThrows(LimitExceededException.class,
        () -> iam.putRolePolicy(r -> r.roleName(ROLE).policyName("two").policyDocument(big)));
    assertEquals(409, e.statusCode());
    assertTrue(e.awsErrorDetails().errorMessage().contains("10240"), e.getMessage());
    // Whitespace is not counted: the same statements spread over lines still fit.
    String spaced = document(4_000).replace(",", ",\n    ");
    iam.putRolePolicy(r -> r.roleName(ROLE).policyName("two").policyDocument(spaced));
    assertEquals(List.of("one", "two"), aws.rolePolicies().names(ROLE));
  }

  @Test
  void sessionsTheBrokerHandsOut_mayNotChangeIam() {
    AccessKey key = aws.credentials().brokerKey();
    try (StsClient sts = StsClient.builder().endpointOverride(aws.endpoint())
        .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(key.id(), key.secret()))).build()) {
      Credentials c = sts.assumeRole(r -> r.roleArn("arn:aws:iam::111122223333:role/" + ROLE)
          .roleSessionName("dev-user").durationSeconds(900)).credentials();
      try (IamClient asSession = iam(AwsSessionCredentials.create(c.accessKeyId(),
          c.secretAccessKey(), c.sessionToken()))) {
        IamException e = assertThrows(IamException.class, () -> asSession.putRolePolicy(r -> r
            .roleName(ROLE).policyName("escalate").policyDocument(DENY)));
        assertEquals(403, e.statusCode());
        assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
      }
    }
    assertEquals(List.of(), aws.rolePolicies().names(ROLE));
  }

  /**
   * What targeted revocation relies on: a Deny on the role conditioned on the session's issue
   * time and source identity (or session name) refuses that identity's sessions issued before
   * the cut-off, on their next call, and nobody else's.
   */
  @Test
  void anExplicitDeny_cutsOneIdentitysEarlierSessionsOnly() {
    aws.secrets().putString("dev/db", "{\"password\":\"x\"}");
    Credentials revoked = assume("dev-user", "dev-user.1");
    Credentials otherUser = assume("other-user", "other-user.1");
    Credentials bySessionName = assume(null, "ci-runner-7.abc");
    clock.advance(Duration.ofSeconds(2));
    Instant cutOff = clock.instant();
    clock.advance(Duration.ofSeconds(2));
    Credentials reauthenticated = assume("dev-user", "dev-user.1");
    assertEquals("{\"password\":\"x\"}", read(revoked)); // works until revoked

    String deny = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Si\",\"Effect\":"
        + "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":"
        + "{\"aws:TokenIssueTime\":\"" + cutOff + "\"},\"StringEquals\":{\"aws:SourceIdentity\":"
        + "\"dev-user\"}}},{\"Sid\":\"Name\",\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":"
        + "\"*\",\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\""
        + cutOff.getEpochSecond() + "\"},\"StringLike\":{\"aws:userid\":\"*:ci-runner-7.*\"}}}]}";
    iam.putRolePolicy(r -> r.roleName(ROLE).policyName("credbroker-revocations").policyDocument(deny));

    SecretsManagerException denied = assertThrows(SecretsManagerException.class,
        () -> read(revoked));
    assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
    assertTrue(denied.awsErrorDetails().errorMessage().contains("explicit deny"), denied.getMessage());
    assertThrows(SecretsManagerException.class, () -> read(bySessionName));
    assertEquals("{\"password\":\"x\"}", read(otherUser));
    assertEquals("{\"password\":\"x\"}", read(reauthenticated));

    iam.deleteRolePolicy(r -> r.roleName(ROLE).policyName("credbroker-revocations"));
    assertEquals("{\"password\":\"x\"}", read(revoked));
  }

  @Test
  void namesOutsideIamsPatterns_areValidationErrors() {
    IamException role = assertThrows(IamException.class, () -> iam.putRolePolicy(r -> r
        .roleName("bad/role").policyName("p").policyDocument(DENY)));
    assertEquals("ValidationError", role.awsErrorDetails().errorCode());
    IamException policy = assertThrows(IamException.class, () -> iam.putRolePolicy(r -> r
        .roleName(ROLE).policyName("x".repeat(129)).policyDocument(DENY)));
    assertEquals("ValidationError", policy.awsErrorDetails().errorCode());
  }

  /** A valid deny document of about {@code chars} characters without whitespace. */
  private static String document(int chars) {
    StringBuilder actions = new StringBuilder();
    while (actions.length() < chars) {
      actions.append(actions.length() == 0 ? "" : ",").append("\"s3:GetObject\"");
    }
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":["
        + actions + "],\"Resource\":\"*\"}]}";
  }

  private Credentials assume(String sourceIdentity, String sessionName) {
    AccessKey key = aws.credentials().brokerKey();
    try (StsClient sts = StsClient.builder().endpointOverride(aws.endpoint())
        .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(key.id(), key.secret()))).build()) {
      return sts.assumeRole(r -> r.roleArn("arn:aws:iam::111122223333:role/" + ROLE)
          .roleSessionName(sessionName).sourceIdentity(sourceIdentity).durationSeconds(3600))
          .credentials();
    }
  }

  private String read(Credentials c) {
    try (SecretsManagerClient sm = SecretsManagerClient.builder()
        .endpointOverride(aws.endpoint()).region(Region.US_EAST_1)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
            c.accessKeyId(), c.secretAccessKey(), c.sessionToken())))
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build()) {
      return sm.getSecretValue(r -> r.secretId("dev/db")).secretString();
    }
  }

  private IamClient iam(AwsCredentials as) {
    return IamClient.builder().endpointOverride(aws.endpoint()).region(Region.AWS_GLOBAL)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(as))
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
  }
}
