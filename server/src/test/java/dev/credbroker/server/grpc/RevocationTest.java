package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.core.revocation.RevocationPolicy;
import dev.credbroker.proto.v1.AdminServiceGrpc;
import dev.credbroker.proto.v1.AwsCredentials;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.proto.v1.RevokeRequest;
import dev.credbroker.proto.v1.RevokeResponse;
import dev.credbroker.proto.v1.SubjectTarget;
import dev.credbroker.proto.v1.UnrevokeRequest;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.aws.RolePolicies;
import dev.credbroker.server.aws.SdkStsGateway;
import dev.credbroker.server.cache.CredentialCache;
import dev.credbroker.server.cache.CredentialVendor;
import dev.credbroker.server.devaws.DevAws;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.revocation.FileRevocationStore;
import dev.credbroker.server.revocation.IamRevocations;
import dev.credbroker.server.revocation.RevocationBook;
import dev.credbroker.server.revocation.RevocationEffects;
import dev.credbroker.server.revocation.RevocationStore;
import dev.credbroker.server.revocation.Revoker;
import dev.credbroker.server.testing.LoopbackBroker;
import dev.credbroker.server.testing.MutableClock;
import dev.credbroker.server.testing.RecordingAuditLog;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Targeted revocation end to end, through two brokers sharing one revocation file, the real AWS
 * SDK and the development AWS endpoint's IAM: issue, revoke, the revoked identity refused on both
 * brokers while everyone else is served, its cached credential never handed out again, its
 * sessions denied by IAM, a newer token served with a fresh session, expiry and withdrawal.
 */
class RevocationTest {
  private static final String CONFIG = """
      server: {listen: 127.0.0.1:0}
      roles:
        deployer:
          arn: arn:aws:iam::111122223333:role/deployer
          max_duration: 1h
          source_identity: "$.preferred_username"
          revoke_in_aws: true
      rules:
        - {id: devs, when: {claims: {groups: {contains: developers}}}, roles: [deployer]}
        - {id: security, when: {claims: {groups: {contains: security}}}, admin: true}
      """;

  @TempDir Path dir;
  final MutableClock clock = MutableClock.startingNow();
  private final ExecutorService io = Executors.newCachedThreadPool();
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private DevIssuer idp;
  private DevAws aws;
  Replica one;
  Replica two;

  /** One broker: its own caches and book, over the shared revocation file. */
  record Replica(LoopbackBroker broker, Revoker revoker) {
    ManagedChannel channel() {
      return broker.channel();
    }
  }

  @BeforeEach
  void start() throws Exception {
    idp = DevIssuer.start(clock);
    aws = DevAws.builder().clock(clock).brokerKey("AKIABROKERREVOKETEST", "revoke-test-secret")
        .start();
    aws.secrets().putString("payments/db", "s3cr3t");
    BrokerConfig config = ConfigLoader.parse(CONFIG, "test", dir).withIssuer(idp.issuerConfig());
    one = replica(config);
    two = replica(config);
  }

  private Replica replica(BrokerConfig config) throws Exception {
    RevocationBook book = new RevocationBook(revocationStore(), clock,
        Optional.of(Duration.ofMinutes(1)));
    book.start();
    BrokerState state = new BrokerState(Authenticator.create(config.issuers(), clock, io),
        new PolicyEngine(config), book);
    AwsConfig awsConfig = new AwsConfig(Optional.of("us-east-1"), Optional.of(aws.endpoint()),
        Duration.ofSeconds(20), Optional.of(aws.endpoint()), Optional.of(aws.endpoint()));
    var key = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIABROKERREVOKETEST",
        "revoke-test-secret"));
    SdkStsGateway sts = SdkStsGateway.create(awsConfig, key, clock);
    RolePolicies iam = RolePolicies.create(awsConfig, key);
    closing.add(sts);
    closing.add(iam::close);
    CredentialCache cache = new CredentialCache(sts, io, clock, Duration.ofMinutes(5),
        Duration.ofMinutes(10), 1000);
    book.onChange(new RevocationEffects(cache, Optional.empty())::apply);
    Revoker revoker = new Revoker(book, Optional.of(new IamRevocations(iam, clock)),
        config::roles);
    AuditRecorder recorder = new AuditRecorder(audit, List.of(), clock);
    LoopbackBroker broker = LoopbackBroker.start(Optional.of(recorder),
        new CredentialBrokerService(() -> state, new CredentialVendor(cache, Duration.ofHours(1)),
            null, "us-east-1", clock, recorder),
        new AdminService(() -> state, recorder, revoker, io, clock));
    closing.add(broker);
    return new Replica(broker, revoker);
  }

  /** Where the replicas keep revocations: here one file they share (a subclass: the store). */
  protected RevocationStore revocationStore() throws Exception {
    return new FileRevocationStore(dir.resolve("revocations.jsonl"));
  }

  /** Closed with the brokers, last first. */
  protected void closeLater(AutoCloseable c) {
    closing.add(c);
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    aws.close();
    idp.close();
    io.shutdownNow();
  }

  @Test
  void aRevokedSubject_isCutOffOnEveryReplicaAndInIam_whileOthersAreServed() throws Exception {
    String alice = token("alice", "developers");
    String bob = token("bob", "developers");
    AwsCredentials aliceBefore = credentials(one, alice);
    AwsCredentials bobBefore = credentials(one, bob);
    credentials(two, alice);
    assertEquals("s3cr3t", read(aliceBefore), "the session works until revoked");
    clock.advance(Duration.ofSeconds(1)); // the cut-off falls after the tokens' iat second

    RevokeResponse revoked = AdminServiceGrpc.newBlockingStub(two.channel())
        .withInterceptors(bearer(token("carol", "security")))
        .revoke(RevokeRequest.newBuilder().setSubject(SubjectTarget.newBuilder()
            .setIssuer(idp.issuer()).setSubject("alice")).setReason("INC-1 laptop stolen").build());
    String id = revoked.getRevocation().getId();
    assertTrue(id.matches("rv-[0-9a-f]{12}"), id);
    assertEquals("deployer", revoked.getAws(0).getRole());
    assertTrue(revoked.getAws(0).getApplied(), revoked.toString());
    assertEquals(revoked.getRevocation().getBefore().getSeconds() + 3600,
        revoked.getRevocation().getExpires().getSeconds(), "default: the longest session later");

    // The replica that took the call enforces at once; the other on its next poll.
    assertRevoked(two, alice);
    assertEquals(bobBefore.getAccessKeyId(), credentials(one, bob).getAccessKeyId());
    one.revoker().poll();
    assertRevoked(one, alice);
    Status whoAmI = assertThrows(StatusRuntimeException.class, () -> CredentialBrokerGrpc
        .newBlockingStub(one.channel()).withInterceptors(bearer(alice))
        .whoAmI(WhoAmIRequest.getDefaultInstance())).getStatus();
    assertEquals(Status.Code.PERMISSION_DENIED, whoAmI.getCode(), "an unscoped revocation cuts everything");

    // In AWS: alice's earlier session is denied, bob's is not.
    assertTrue(aws.rolePolicies().get("deployer", RevocationPolicy.NAME).isPresent());
    SecretsManagerException denied = assertThrows(SecretsManagerException.class,
        () -> read(aliceBefore));
    assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
    assertEquals("s3cr3t", read(bobBefore));

    // The record names the revocation; the caller was told only "revoked".
    AuditEvent record = audit.events().stream().filter(e -> e.reason().startsWith("revoked ("))
        .findFirst().orElseThrow();
    assertEquals(AuditEvent.Decision.DENY, record.decision());
    assertEquals("revoked (" + id + "): INC-1 laptop stolen", record.reason());
    assertTrue(audit.events().stream().anyMatch(e -> e.rpc() == Rpc.REVOKE
        && e.decision() == AuditEvent.Decision.ALLOW && e.reason().contains(id)));

    // Signed in again after the cut-off: served, with a fresh session, not the cached one.
    clock.advance(Duration.ofSeconds(2));
    AwsCredentials aliceAgain = credentials(one, token("alice", "developers"));
    assertNotEquals(aliceBefore.getAccessKeyId(), aliceAgain.getAccessKeyId());
    assertEquals("s3cr3t", read(aliceAgain));

    // Once every earlier session has expired, the revocation and its IAM statement go.
    clock.advance(Duration.ofHours(1));
    one.revoker().poll();
    assertFalse(aws.rolePolicies().get("deployer", RevocationPolicy.NAME).isPresent());
    assertEquals(Status.Code.OK, status(one, alice), "alice's old token, still valid, serves again");
  }

  @Test
  void allTokens_lastsUntilWithdrawn_andUnrevokeRestoresAccessEverywhere() throws Exception {
    String admin = token("carol", "security");
    RevokeResponse revoked = AdminServiceGrpc.newBlockingStub(one.channel())
        .withInterceptors(bearer(admin)).revoke(RevokeRequest.newBuilder()
            .setSourceIdentity("alice").setAllTokens(true).addRoles("deployer")
            .setReason("INC-2 account compromised").build());
    assertFalse(revoked.getRevocation().hasExpires(), "all tokens: until withdrawn");
    clock.advance(Duration.ofHours(2));
    two.revoker().poll();
    String fresh = token("alice", "developers");
    assertRevoked(one, fresh);
    assertRevoked(two, fresh);
    assertEquals(Status.Code.OK, status(two, token("bob", "developers")));

    AdminServiceGrpc.newBlockingStub(two.channel()).withInterceptors(bearer(admin))
        .unrevoke(UnrevokeRequest.newBuilder().setId(revoked.getRevocation().getId()).build());
    one.revoker().poll();
    assertEquals(Status.Code.OK, status(one, fresh));
    assertEquals(Status.Code.OK, status(two, fresh));
    StatusRuntimeException again = assertThrows(StatusRuntimeException.class, () -> AdminServiceGrpc
        .newBlockingStub(two.channel()).withInterceptors(bearer(admin))
        .unrevoke(UnrevokeRequest.newBuilder().setId(revoked.getRevocation().getId()).build()));
    assertEquals(Status.Code.NOT_FOUND, again.getStatus().getCode());
  }

  @Test
  void onlyAdmins_mayRevoke_andBadRequestsAreInvalidArguments() {
    StatusRuntimeException notAdmin = assertThrows(StatusRuntimeException.class, () ->
        AdminServiceGrpc.newBlockingStub(one.channel())
            .withInterceptors(bearer(token("mallory", "developers")))
            .revoke(RevokeRequest.newBuilder().setClientId("x").setReason("r").build()));
    assertEquals(Status.Code.PERMISSION_DENIED, notAdmin.getStatus().getCode());

    String admin = token("carol", "security");
    for (RevokeRequest bad : List.of(
        RevokeRequest.newBuilder().setReason("no target").build(),
        RevokeRequest.newBuilder().setClientId("c").build(),
        RevokeRequest.newBuilder().setTokenHash("not-hex").setReason("r").build(),
        RevokeRequest.newBuilder().setClientId("c").setReason("line\nbreak").build(),
        RevokeRequest.newBuilder().setClientId("c").setReason("r")
            .setBefore(com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(clock.instant().getEpochSecond() + 3600)).build(),
        RevokeRequest.newBuilder().setClientId("c").setReason("r")
            .setExpiresAfter(com.google.protobuf.Duration.newBuilder().setSeconds(-1)).build())) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
          AdminServiceGrpc.newBlockingStub(one.channel()).withInterceptors(bearer(admin))
              .revoke(bad));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad.toString());
    }
    assertTrue(one.revoker().list().isEmpty());
  }

  private void assertRevoked(Replica replica, String token) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> credentials(replica, token));
    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    assertEquals("revoked", e.getStatus().getDescription());
  }

  Status.Code status(Replica replica, String token) {
    try {
      credentials(replica, token);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  AwsCredentials credentials(Replica replica, String token) {
    return CredentialBrokerGrpc.newBlockingStub(replica.channel()).withInterceptors(bearer(token))
        .getAwsCredentials(GetAwsCredentialsRequest.newBuilder().setRole("deployer").build());
  }

  private String read(AwsCredentials c) {
    try (SecretsManagerClient sm = SecretsManagerClient.builder().endpointOverride(aws.endpoint())
        .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
            c.getAccessKeyId(), c.getSecretAccessKey(), c.getSessionToken())))
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build()) {
      return sm.getSecretValue(r -> r.secretId("payments/db")).secretString();
    }
  }

  String token(String subject, String group) {
    return idp.mint(subject, Map.of("groups", List.of(group), "preferred_username", subject),
        Duration.ofHours(3));
  }

  private static io.grpc.ClientInterceptor bearer(String token) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return MetadataUtils.newAttachHeadersInterceptor(m);
  }
}
