package dev.credbroker.server.devaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.credbroker.core.revocation.Revocation;
import dev.credbroker.core.revocation.RevocationPolicy;
import dev.credbroker.core.revocation.RevocationTarget;
import dev.credbroker.server.aws.SessionNames;
import dev.credbroker.server.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The document core's {@link RevocationPolicy} builds, put through the real SDK's IAM client:
 * IAM's grammar accepts it, and it cuts exactly the revoked identity's earlier sessions, named
 * as the broker names them ({@link SessionNames}), and nobody else's.
 */
class RevocationPolicyOnIamTest {
  private static final String ISSUER = "https://idp.example.com";
  private static final String ROLE = "payments-deployer";

  private final MutableClock clock = MutableClock.startingNow();
  private DevAws aws;
  private StsClient sts;
  private IamClient iam;

  @BeforeEach
  void start() throws Exception {
    aws = DevAws.builder().clock(clock).start();
    aws.secrets().putString("db", "s3cr3t");
    AccessKey key = aws.credentials().brokerKey();
    var broker = StaticCredentialsProvider.create(AwsBasicCredentials.create(key.id(), key.secret()));
    sts = StsClient.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1)
        .httpClientBuilder(UrlConnectionHttpClient.builder()).credentialsProvider(broker).build();
    iam = IamClient.builder().endpointOverride(aws.endpoint()).region(Region.AWS_GLOBAL)
        .httpClientBuilder(UrlConnectionHttpClient.builder()).credentialsProvider(broker).build();
  }

  @AfterEach
  void stop() {
    sts.close();
    iam.close();
    aws.close();
  }

  @Test
  void theBuiltDocument_cutsTheRevokedSubjectsAndSourceIdentitysSessionsOnly() {
    Credentials alice = session("alice", Optional.empty());
    // A readable name from a session_name template ends with the same caller digest.
    Credentials aliceByName = session("alice", "Alice Liddell (payments)", Optional.empty());
    Credentials bob = session("bob", Optional.of("bob"));
    Credentials carol = session("carol", Optional.of("carol"));
    clock.advance(Duration.ofSeconds(1));
    Instant cutOff = clock.instant();
    clock.advance(Duration.ofSeconds(1));
    Credentials aliceAgain = session("alice", Optional.empty());

    List<Revocation> revocations = List.of(
        revocation("r1", new RevocationTarget.Subject(ISSUER, "alice"), cutOff),
        revocation("r2", new RevocationTarget.SourceIdentity("bob"), cutOff),
        revocation("r3", new RevocationTarget.ClientId("ci-runner"), cutOff));
    RevocationPolicy.Built built = RevocationPolicy.forRole(ROLE, Duration.ofHours(12),
        revocations, clock.instant());
    assertEquals(List.of("r1", "r2"), built.included());
    iam.putRolePolicy(r -> r.roleName(ROLE).policyName(RevocationPolicy.NAME)
        .policyDocument(built.document().orElseThrow()));

    assertEquals("AccessDeniedException", denied(alice));
    assertEquals("AccessDeniedException", denied(aliceByName));
    assertEquals("AccessDeniedException", denied(bob));
    assertEquals("s3cr3t", read(carol));
    assertEquals("s3cr3t", read(aliceAgain));
  }

  private Credentials session(String subject, Optional<String> sourceIdentity) {
    return session(subject, subject, sourceIdentity);
  }

  private Credentials session(String subject, String readable, Optional<String> sourceIdentity) {
    return sts.assumeRole(r -> r.roleArn("arn:aws:iam::111122223333:role/" + ROLE)
        .roleSessionName(SessionNames.of(ISSUER, subject, readable))
        .sourceIdentity(sourceIdentity.orElse(null)).durationSeconds(3600)).credentials();
  }

  private static Revocation revocation(String id, RevocationTarget target, Instant before) {
    return new Revocation(id, target, List.of(), List.of(), before, false, "incident", "admin",
        before, Optional.empty());
  }

  private String denied(Credentials c) {
    return assertThrows(SecretsManagerException.class, () -> read(c)).awsErrorDetails()
        .errorCode();
  }

  private String read(Credentials c) {
    try (SecretsManagerClient sm = SecretsManagerClient.builder().endpointOverride(aws.endpoint())
        .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
            c.accessKeyId(), c.secretAccessKey(), c.sessionToken())))
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build()) {
      return sm.getSecretValue(r -> r.secretId("db")).secretString();
    }
  }
}
