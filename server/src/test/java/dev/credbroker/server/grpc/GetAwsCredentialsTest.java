package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.proto.v1.AwsCredentials;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.aws.SdkStsGateway;
import dev.credbroker.server.cache.CredentialCache;
import dev.credbroker.server.cache.CredentialVendor;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.testing.FakeSts;
import dev.credbroker.server.testing.LogCapture;
import dev.credbroker.server.testing.LoopbackBroker;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/** GetAwsCredentials end to end: dev-issuer tokens, policy, cache, the AWS SDK and the STS fake. */
class GetAwsCredentialsTest {
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService io = Executors.newCachedThreadPool();
  private final List<AwsCredentials> issued = new ArrayList<>();
  private DevIssuer idp;
  private FakeSts sts;
  private SdkStsGateway gateway;
  private LoopbackBroker broker;
  private ManagedChannel channel;

  private final dev.credbroker.server.testing.RecordingAuditLog audit =
      new dev.credbroker.server.testing.RecordingAuditLog();

  @BeforeEach
  void start() throws Exception {
    idp = DevIssuer.start(clock);
    sts = FakeSts.start(clock);
    BrokerConfig config = ConfigLoader.parse("""
        server: {listen: 127.0.0.1:0}
        roles:
          deployer:
            arn: arn:aws:iam::123456789012:role/deployer
            session_tags: {team: "$.groups[0]"}
            source_identity: "$.preferred_username"
          bad-policy:
            arn: arn:aws:iam::123456789012:role/bad
            session_policy: "{not json"
          secret-role: {arn: "arn:aws:iam::123456789012:role/secret"}
          federated: {arn: "arn:aws:iam::123456789012:role/federated", mode: web_identity}
        rules:
          - {id: devs, when: {claims: {groups: {contains: developers}}}, roles: [deployer, bad-policy, federated]}
          - {id: nobody, when: {claims: {groups: {contains: nobody}}}, roles: [secret-role]}
        """, "test", Path.of(".")).withIssuer(idp.issuerConfig());
    BrokerState state = new BrokerState(Authenticator.create(config.issuers(), clock, io),
        new PolicyEngine(config));
    gateway = SdkStsGateway.create(new AwsConfig(Optional.of("us-east-1"), Optional.of(sts.endpoint()),
            java.time.Duration.ofSeconds(20)),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID, FakeSts.BROKER_SECRET)),
        clock);
    CredentialVendor vendor = new CredentialVendor(new CredentialCache(gateway, io, clock,
        java.time.Duration.ofMinutes(5), java.time.Duration.ofMinutes(10), 1000), java.time.Duration.ofHours(1));
    broker = LoopbackBroker.start(new CredentialBrokerService(() -> state, vendor, null, "us-east-1",
        clock, new AuditRecorder(audit, java.util.List.of(), clock)));
    channel = broker.channel();
  }

  @AfterEach
  void stop() throws Exception {
    broker.close();
    gateway.close();
    sts.close();
    idp.close();
    io.shutdownNow();
  }

  @Test
  void entitledCaller_getsWorkingCredentialsAndTheCacheServesRepeats() {
    AwsCredentials c = get(token("alice", "developers"), "deployer", null);

    assertEquals("arn:aws:sts::123456789012:assumed-role/deployer/" + c.getSessionName(), c.getAssumedRoleArn());
    assertTrue(c.getSessionName().matches("alice\\.[0-9a-f]{16}"), c.getSessionName());
    assertEquals("alice", c.getSourceIdentity());
    assertEquals("us-east-1", c.getRegion());
    assertEquals("deployer", c.getRole());
    assertEquals("developers", sts.assumeRoleRequests().get(0).get("Tags.member.1.Value"));
    try (StsClient asRole = StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
        .region(Region.US_EAST_1).endpointOverride(sts.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
            c.getAccessKeyId(), c.getSecretAccessKey(), c.getSessionToken()))).build()) {
      assertEquals(c.getAssumedRoleArn(), asRole.getCallerIdentity().arn());
    }

    assertEquals(c.getAccessKeyId(), get(token("alice", "developers"), "deployer", null).getAccessKeyId());
    assertEquals(1, sts.calls("AssumeRole"));
  }

  @Test
  void webIdentityRole_passesTheCallersOwnTokenToSts() {
    String alice = token("alice", "developers");
    Status untrusted = failure(alice, "federated", null);
    assertEquals(Status.Code.FAILED_PRECONDITION, untrusted.getCode(), untrusted.toString());
    assertTrue(untrusted.getDescription().contains("InvalidIdentityToken"), untrusted.getDescription());

    sts.trustIssuer(idp.issuer());
    AwsCredentials c = get(alice, "federated", null);

    assertEquals("arn:aws:sts::123456789012:assumed-role/federated/" + c.getSessionName(), c.getAssumedRoleArn());
    Map<String, String> sent = sts.assumeRoleRequests().get(sts.assumeRoleRequests().size() - 1);
    assertEquals("AssumeRoleWithWebIdentity", sent.get("Action"));
    assertEquals(alice, sent.get("WebIdentityToken"));
    assertEquals(c.getAccessKeyId(), get(alice, "federated", null).getAccessKeyId(), "cached per token");
    assertNotEquals(c.getAccessKeyId(), get(token("alice", "developers"), "federated", null).getAccessKeyId(),
        "a new token of the same caller gets its own session");
  }

  @Test
  void callerDeadline_isRespectedWhileTheSharedStsCallFinishesForOthers() {
    sts.latency(java.time.Duration.ofMillis(1500));
    String alice = token("alice", "developers");
    StatusRuntimeException impatient = assertThrows(StatusRuntimeException.class, () -> stub(alice)
        .withDeadlineAfter(200, TimeUnit.MILLISECONDS)
        .getAwsCredentials(GetAwsCredentialsRequest.newBuilder().setRole("deployer").build()));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, impatient.getStatus().getCode());

    AwsCredentials patient = get(alice, "deployer", null);
    assertTrue(patient.getAccessKeyId().startsWith("ASIA"));
    assertEquals(1, sts.calls("AssumeRole"), "the patient caller joined the call already in flight");
  }

  @Test
  void twoCallers_sameRole_getTwoSessions() {
    AwsCredentials alice = get(token("alice", "developers"), "deployer", null);
    AwsCredentials bob = get(token("bob", "developers"), "deployer", null);
    assertNotEquals(alice.getAccessKeyId(), bob.getAccessKeyId());
    assertNotEquals(alice.getSessionName(), bob.getSessionName());
  }

  @Test
  void durationIsCappedByTheGrantAndRole() {
    AwsCredentials c = get(token("alice", "developers"), "deployer", Duration.newBuilder().setSeconds(43_200).build());
    assertEquals("3600", sts.assumeRoleRequests().get(0).get("DurationSeconds"), "role max 1h");
    assertTrue(c.getExpiration().getSeconds() <= clock.instant().getEpochSecond() + 3600);
  }

  @Test
  void unknownAndForbiddenAliases_lookTheSame() {
    String token = token("alice", "developers");
    Status unknown = failure(token, "no-such-role", null);
    Status forbidden = failure(token, "secret-role", null);
    assertEquals(Status.Code.PERMISSION_DENIED, unknown.getCode());
    assertEquals(Status.Code.PERMISSION_DENIED, forbidden.getCode());
    assertEquals("not entitled to role 'no-such-role'", unknown.getDescription());
    assertEquals("not entitled to role 'secret-role'", forbidden.getDescription());
    assertEquals(0, sts.calls("AssumeRole"), "nothing reaches STS without an allow");
  }

  @Test
  void badArguments_areInvalidArgument() {
    String token = token("alice", "developers");
    assertEquals("role is required", failure(token, "", null).getDescription());
    assertEquals(Status.Code.INVALID_ARGUMENT, failure(token, "r".repeat(3000), null).getCode());
    assertEquals(Status.Code.INVALID_ARGUMENT,
        failure(token, "deployer", Duration.newBuilder().setSeconds(600).build()).getCode());
    Status overflow = failure(token, "deployer",
        Duration.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(2_000_000_000).build());
    assertEquals(Status.Code.INVALID_ARGUMENT, overflow.getCode(), overflow.toString());
    assertTrue(overflow.getDescription().startsWith("duration is not a valid"), overflow.toString());
    assertEquals(Status.Code.INVALID_ARGUMENT, failure(token, "deployer",
        Duration.newBuilder().setSeconds(Long.MIN_VALUE).setNanos(-2_000_000_000).build()).getCode());
    assertEquals(Status.Code.INVALID_ARGUMENT, failure(token, "deployer",
        Duration.newBuilder().setSeconds(Long.MIN_VALUE).setNanos(-1).build()).getCode(),
        "Math.abs(Long.MIN_VALUE) is negative: ranges are checked without it");
  }

  @Test
  void awsFailures_mapToStatusesWithTheAwsCode() {
    String token = token("alice", "developers");
    sts.failNext(1, 403, "AccessDenied");
    Status denied = failure(token, "deployer", null);
    assertEquals(Status.Code.PERMISSION_DENIED, denied.getCode());
    assertTrue(denied.getDescription().contains("STS AccessDenied"), denied.getDescription());

    Status malformed = failure(token, "bad-policy", null);
    assertEquals(Status.Code.FAILED_PRECONDITION, malformed.getCode());
    assertTrue(malformed.getDescription().contains("MalformedPolicyDocument"), malformed.getDescription());

    sts.close();
    Status down = failure(token, "deployer", null);
    assertEquals(Status.Code.UNAVAILABLE, down.getCode(), down.toString());
  }

  @Test
  void logs_neverContainSecretKeysOrSessionTokens() {
    try (LogCapture logs = new LogCapture()) {
      String token = token("alice", "developers");
      get(token, "deployer", null);
      get(token("bob", "developers"), "deployer", null);
      sts.failNext(1, 403, "AccessDenied");
      failure(token("carol", "developers"), "deployer", null);
      failure(token, "bad-policy", null);
      for (AwsCredentials c : issued) {
        for (String line : logs.lines()) {
          assertFalse(line.contains(c.getSecretAccessKey()) || line.contains(c.getSessionToken()),
              "secret logged: " + line);
        }
      }
      assertEquals(2, issued.size());
    }
  }

  private String token(String subject, String group) {
    return idp.mint(subject, Map.of("groups", List.of(group), "preferred_username", subject),
        java.time.Duration.ofHours(1));
  }

  private AwsCredentials get(String token, String role, Duration duration) {
    GetAwsCredentialsRequest.Builder r = GetAwsCredentialsRequest.newBuilder().setRole(role);
    if (duration != null) {
      r.setDuration(duration);
    }
    AwsCredentials c = stub(token).getAwsCredentials(r.build());
    issued.add(c);
    return c;
  }

  private Status failure(String token, String role, Duration duration) {
    GetAwsCredentialsRequest.Builder r = GetAwsCredentialsRequest.newBuilder().setRole(role);
    if (duration != null) {
      r.setDuration(duration);
    }
    return assertThrows(StatusRuntimeException.class, () -> stub(token).getAwsCredentials(r.build())).getStatus();
  }

  private CredentialBrokerGrpc.CredentialBrokerBlockingStub stub(String token) {
    Metadata h = new Metadata();
    h.put(CallInfoInterceptor.AUTHORIZATION, "Bearer " + token);
    return CredentialBrokerGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }
}
