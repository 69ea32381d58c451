package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.proto.v1.SecretValue;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.aws.SdkSecretsGateway;
import dev.credbroker.server.aws.SdkStsGateway;
import dev.credbroker.server.cache.CredentialCache;
import dev.credbroker.server.cache.SecretCache;
import dev.credbroker.server.cache.SecretVendor;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.testing.FakeSecretsManager;
import dev.credbroker.server.testing.FakeSts;
import dev.credbroker.server.testing.LogCapture;
import dev.credbroker.server.testing.LoopbackBroker;
import dev.credbroker.server.testing.MutableClock;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * GetSecretValue end to end: dev-issuer tokens, policy, the secret cache, the AWS SDK and the
 * Secrets Manager and STS fakes, all on one hand-moved clock.
 */
class GetSecretValueTest {
  private static final String DB_PASSWORD = "pw-1-c0ffee";
  private static final byte[] KEYSTORE = "binary-keystore-\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
  private static final String ROLE = "arn:aws:iam::123456789012:role/secrets-reader";

  private final MutableClock clock = MutableClock.startingNow();
  private final ExecutorService io = Executors.newCachedThreadPool();
  private final List<String> shownToCallers = new ArrayList<>();
  private DevIssuer idp;
  private FakeSts sts;
  private FakeSecretsManager sm;
  private SdkStsGateway stsGateway;
  private SdkSecretsGateway gateway;
  private LoopbackBroker broker;

  @org.junit.jupiter.api.io.TempDir java.nio.file.Path auditDir;
  private dev.credbroker.server.audit.AuditWriter auditLog;

  @BeforeEach
  void start() throws Exception {
    idp = DevIssuer.start(clock);
    sts = FakeSts.start(clock);
    sm = FakeSecretsManager.start(clock);
    sm.trust(sts);
    sm.putString("payments/db", DB_PASSWORD);
    sm.putBinary("keystore", KEYSTORE);
    sm.putString("by/arn", "arn-secret-value");
    sm.putString("locked/db", "locked-secret-value");
    sm.putString("gone/db", "gone-secret-value");
    BrokerConfig config = ConfigLoader.parse("""
        server: {listen: 127.0.0.1:0}
        secrets:
          payments-db: {id: payments/db, cache_ttl: 5m, stale_grace: 10m}
          keystore: {id: keystore}
          by-arn: {id: "%s", allow_request_by_id: true}
          locked: {id: locked/db, role_arn: "%s", cache_ttl: 10m}
          gone: {id: gone/db}
          ghost: {id: ghost/db}
          forbidden: {id: payments/db}
        rules:
          - {id: devs, when: {claims: {groups: {contains: developers}}}, secrets: [payments-db, keystore, by-arn, locked, gone, ghost]}
          - {id: nobody, when: {claims: {groups: {contains: nobody}}}, secrets: [forbidden]}
        """.formatted(sm.arn("by/arn"), ROLE), "test", Path.of(".")).withIssuer(idp.issuerConfig());
    BrokerState state = new BrokerState(Authenticator.create(config.issuers(), clock, io),
        new PolicyEngine(config));
    var brokerKey = StaticCredentialsProvider.create(
        AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID, FakeSts.BROKER_SECRET));
    AwsConfig aws = new AwsConfig(Optional.of("us-east-1"), Optional.of(sts.endpoint()),
        Duration.ofSeconds(20)).withSecretsManagerEndpoint(sm.endpoint());
    stsGateway = SdkStsGateway.create(aws, brokerKey, clock);
    gateway = SdkSecretsGateway.create(aws, brokerKey);
    CredentialCache roles = new CredentialCache(stsGateway, io, clock, Duration.ofMinutes(5),
        Duration.ofMinutes(10), 100);
    SecretVendor secrets = new SecretVendor(new SecretCache(gateway, roles, io, clock, 100), clock);
    auditLog = dev.credbroker.server.audit.AuditWriter.open(
        dev.credbroker.core.config.AuditConfig.toFile(auditDir.resolve("audit.jsonl")), clock);
    broker = LoopbackBroker.start(new CredentialBrokerService(() -> state, null, secrets,
        "us-east-1", clock, new AuditRecorder(auditLog, List.of(), clock)));
  }

  @AfterEach
  void stop() throws Exception {
    broker.close();
    auditLog.close();
    gateway.close();
    stsGateway.close();
    sm.close();
    sts.close();
    idp.close();
    io.shutdownNow();
  }

  @Test
  void entitledCaller_getsTheValueWithItsVersionAndTheCacheServesRepeats() {
    SecretValue v = get(dev("alice"), "payments-db", r -> r);

    assertEquals(DB_PASSWORD, v.getSecretString());
    assertEquals("payments-db", v.getSecret());
    assertEquals("payments/db", v.getName());
    assertEquals(sm.arn("payments/db"), v.getArn());
    assertEquals(sm.versionId("payments/db", "AWSCURRENT"), v.getVersionId());
    assertEquals(List.of("AWSCURRENT"), v.getVersionStagesList());
    assertTrue(v.getCreatedDate().getSeconds() > 0);
    assertEquals(v, get(dev("bob"), "payments-db", r -> r), "another entitled caller, same value");
    assertEquals(1, sm.calls("GetSecretValue"));
  }

  @Test
  void binarySecret_roundTripsByteForByte() {
    SecretValue v = get(dev("alice"), "keystore", r -> r);
    assertEquals(SecretValue.ValueCase.SECRET_BINARY, v.getValueCase());
    assertArrayEquals(KEYSTORE, v.getSecretBinary().toByteArray());
  }

  @Test
  void versionStagesAndIds_selectTheVersion() {
    String first = sm.versionId("payments/db", "AWSCURRENT");
    sm.rotate("payments/db", "pw-2");
    clock.advance(Duration.ofMinutes(5));

    assertEquals("pw-2", get(dev("alice"), "payments-db", r -> r).getSecretString());
    SecretValue previous = get(dev("alice"), "payments-db", r -> r.setVersionStage("AWSPREVIOUS"));
    assertEquals(DB_PASSWORD, previous.getSecretString());
    assertEquals(List.of("AWSPREVIOUS"), previous.getVersionStagesList());
    assertEquals(DB_PASSWORD, get(dev("alice"), "payments-db", r -> r.setVersionId(first)).getSecretString());
    Status pending = failure(dev("alice"), "payments-db", r -> r.setVersionStage("AWSPENDING"));
    assertEquals(Status.Code.NOT_FOUND, pending.getCode(), pending.toString());
  }

  @Test
  void rotation_showsAfterTheTtlAndAtOnceWithForceRefreshWhichIsRateLimited() {
    String alice = dev("alice");
    get(alice, "payments-db", r -> r);
    sm.rotate("payments/db", "pw-2");
    assertEquals(DB_PASSWORD, get(alice, "payments-db", r -> r).getSecretString(), "cached");

    assertEquals("pw-2", get(alice, "payments-db", r -> r.setForceRefresh(true)).getSecretString());
    assertEquals("pw-2", get(dev("bob"), "payments-db", r -> r).getSecretString(), "cached for all");
    sm.rotate("payments/db", "pw-3");
    Status limited = failure(alice, "payments-db", r -> r.setForceRefresh(true));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, limited.getCode());
    assertEquals("force_refresh of secret 'payments-db' is limited to once every 10s per caller;"
        + " retry in 10s, or read without force_refresh", limited.getDescription());
    assertEquals("pw-3", get(dev("bob"), "payments-db", r -> r.setForceRefresh(true)).getSecretString(),
        "the limit is per caller");
    clock.advance(Duration.ofSeconds(10));
    sm.rotate("payments/db", "pw-4");
    assertEquals("pw-4", get(alice, "payments-db", r -> r.setForceRefresh(true)).getSecretString());

    sm.rotate("payments/db", "pw-5");
    clock.advance(Duration.ofMinutes(5));
    assertEquals("pw-5", get(alice, "payments-db", r -> r).getSecretString(), "after the TTL");
  }

  @Test
  void secretsMayBeNamedByIdOnlyWhereTheConfigAllowsIt() {
    String alice = dev("alice");
    assertEquals("by-arn", get(alice, sm.arn("by/arn"), r -> r).getSecret());
    assertEquals("arn-secret-value", get(alice, "by/arn", r -> r).getSecretString());

    Status byName = failure(alice, "payments/db", r -> r);
    assertEquals(Status.Code.PERMISSION_DENIED, byName.getCode());
    assertEquals("not entitled to secret 'payments/db'", byName.getDescription());
    assertEquals("not entitled to secret 'by/arn'", failure(dev("eve", "nobody"), "by/arn", r -> r)
        .getDescription(), "names what was asked, never the alias behind it");
  }

  @Test
  void unknownAndForbiddenSecrets_lookTheSameAndNeverReachAws() {
    String alice = dev("alice");
    assertEquals("not entitled to secret 'no-such'", failure(alice, "no-such", r -> r).getDescription());
    assertEquals("not entitled to secret 'forbidden'", failure(alice, "forbidden", r -> r).getDescription());
    Status missing = failure(dev("eve", "nobody"), "ghost", r -> r);
    assertEquals(Status.Code.PERMISSION_DENIED, missing.getCode(), "NOT_FOUND only for the entitled");
    assertEquals(0, sm.calls("GetSecretValue"));

    Status ghost = failure(alice, "ghost", r -> r);
    assertEquals(Status.Code.NOT_FOUND, ghost.getCode());
    assertTrue(ghost.getDescription().contains("ResourceNotFoundException"), ghost.getDescription());
  }

  @Test
  void awsFailures_mapToStatusesWithTheAwsCode() {
    String alice = dev("alice");
    sm.failNext(1, 400, "AccessDeniedException");
    assertStatus(Status.Code.PERMISSION_DENIED, "AccessDeniedException", failure(alice, "payments-db", r -> r));
    sm.failNext(1, 400, "DecryptionFailure");
    assertStatus(Status.Code.FAILED_PRECONDITION, "DecryptionFailure", failure(alice, "payments-db", r -> r));
    sm.delete("gone/db");
    assertStatus(Status.Code.FAILED_PRECONDITION, "marked for deletion", failure(alice, "gone", r -> r));
    sm.failNext(2, 400, "ThrottlingException");
    assertEquals(DB_PASSWORD, get(alice, "payments-db", r -> r).getSecretString(), "retried");
  }

  @Test
  void awsOutage_servesTheCachedValueForTheStaleGraceThenUnavailable() {
    String alice = dev("alice");
    get(alice, "payments-db", r -> r);
    sm.close();
    clock.advance(Duration.ofMinutes(14));
    assertEquals(DB_PASSWORD, get(alice, "payments-db", r -> r).getSecretString());

    clock.advance(Duration.ofMinutes(1)); // cache_ttl 5m + stale_grace 10m
    assertStatus(Status.Code.UNAVAILABLE, "unreachable", failure(alice, "payments-db", r -> r));
  }

  @Test
  void secretWithARole_isReadWithThatRolesSession() {
    sm.restrictTo("locked/db", "arn:aws:sts::123456789012:assumed-role/secrets-reader/credbroker-secrets");

    assertEquals("locked-secret-value", get(dev("alice"), "locked", r -> r).getSecretString());
    assertEquals(1, sts.calls("AssumeRole"));
    assertEquals("credbroker-secrets", sts.assumeRoleRequests().get(0).get("RoleSessionName"));
    clock.advance(Duration.ofMinutes(10)); // the secret's TTL; the 1h session has 50m left
    assertEquals("locked-secret-value", get(dev("bob"), "locked", r -> r).getSecretString());
    assertEquals(2, sm.calls("GetSecretValue"));
    assertEquals(1, sts.calls("AssumeRole"), "one session serves every read of the role's secrets");
  }

  @Test
  void badArguments_areInvalidArgument() {
    String alice = dev("alice");
    assertEquals("secret is required", failure(alice, "", r -> r).getDescription());
    assertEquals(Status.Code.INVALID_ARGUMENT, failure(alice, "s".repeat(2049), r -> r).getCode());
    assertEquals("version_id must be 32 to 64 characters (a Secrets Manager version id), got 5",
        failure(alice, "payments-db", r -> r.setVersionId("short")).getDescription());
    assertEquals(Status.Code.INVALID_ARGUMENT,
        failure(alice, "payments-db", r -> r.setVersionStage("")).getCode());
    assertEquals(Status.Code.INVALID_ARGUMENT,
        failure(alice, "payments-db", r -> r.setVersionStage("S".repeat(257))).getCode());
    assertEquals(0, sm.calls("GetSecretValue"));
  }

  @Test
  void secretValues_neverAppearInLogsErrorsOrAuditRecords() throws Exception {
    List<String> values = new ArrayList<>(List.of(DB_PASSWORD, "pw-2", "arn-secret-value",
        "locked-secret-value", "gone-secret-value", new String(KEYSTORE, StandardCharsets.ISO_8859_1),
        java.util.Base64.getEncoder().encodeToString(KEYSTORE)));
    try (LogCapture logs = new LogCapture()) {
      String alice = dev("alice");
      get(alice, "payments-db", r -> r); // miss
      get(alice, "payments-db", r -> r); // hit
      get(alice, "keystore", r -> r);
      sm.rotate("payments/db", "pw-2");
      get(alice, "payments-db", r -> r.setForceRefresh(true));
      failure(alice, "payments-db", r -> r.setForceRefresh(true));
      failure(alice, "locked", r -> r.setVersionStage("AWSPENDING"));
      sm.delete("gone/db");
      failure(alice, "gone", r -> r);
      sm.oversizedNext(1, 70_000);
      failure(alice, "by-arn", r -> r);
      sm.failNext(1, 400, "DecryptionFailure");
      failure(alice, "keystore", r -> r.setForceRefresh(true));
      sm.close();
      clock.advance(Duration.ofMinutes(6));
      get(alice, "payments-db", r -> r); // stale during the outage
      List<String> scanned = new ArrayList<>(logs.lines());
      scanned.addAll(shownToCallers);
      List<String> audit = java.nio.file.Files.readAllLines(auditDir.resolve("audit.jsonl"))
          .stream().filter(l -> l.contains("\"type\":\"decision\"")).toList();
      assertEquals(10, audit.size(), "one audit record per call");
      assertTrue(audit.get(0).contains("\"secret_read\":{\"version_id\":"), audit.get(0));
      scanned.addAll(audit);
      assertTrue(scanned.size() > 6, scanned.toString());
      for (String line : scanned) {
        for (String value : values) {
          assertFalse(line.contains(value), "secret value in: " + line);
        }
        assertFalse(line.contains("xxxxxxxx"), "oversized value in: " + line);
      }
    }
  }

  @Test
  void versionStageWithALineBreak_cannotForgeALogLine() {
    String forged = "2026-01-01 ERROR forged line";
    try (LogCapture logs = new LogCapture()) {
      String alice = dev("alice");
      get(alice, "payments-db", r -> r);
      failure(alice, "payments-db", r -> r.setVersionStage("AWSPENDING\n" + forged));
      failure(alice, "payments-db", r -> r.setVersionStage("X\r\n" + forged)
          .setForceRefresh(true));
      failure(alice, "locked", r -> r.setVersionStage("\u2028" + forged + "\u001b[2K"));

      String text = logs.rendered();
      for (String line : text.split("\r\n|\r|\n|\u2028|\u2029")) {
        assertFalse(line.startsWith(forged), "forged line in:\n" + text);
        assertFalse(line.contains("\u001b"), "terminal escape in:\n" + text);
      }
    }
  }

  @Test
  void routineAwsErrors_areLoggedInOneLineWithoutStackTraces() {
    String alice = dev("alice");
    try (LogCapture logs = new LogCapture()) {
      sm.failNext(1, 400, "AccessDeniedException");
      failure(alice, "payments-db", r -> r.setForceRefresh(true));
      sm.failNext(1, 400, "InvalidParameterException");
      failure(alice, "keystore", r -> r.setForceRefresh(true));
      failure(alice, "gone", r -> r.setVersionStage("AWSPENDING").setForceRefresh(true));

      assertEquals(3, logs.lines().stream().filter(l -> l.contains("re-reading secret")).count(),
          logs.lines().toString());
      assertEquals(List.of(), logs.withStackTraces());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"DEBUG", "TRACE"})
  void credentialsOfTheBrokerAndItsCallers_neverAppearInLogsAtAnyLevel(String level) {
    sm.restrictTo("locked/db", "arn:aws:sts::123456789012:assumed-role/secrets-reader/credbroker-secrets");
    String alice = dev("alice");
    List<String> lines;
    String rendered;
    try (LogCapture logs = LogCapture.everyLoggerAt(ch.qos.logback.classic.Level.toLevel(level))) {
      assertEquals("locked-secret-value", get(alice, "locked", r -> r).getSecretString());
      get(alice, "payments-db", r -> r);
      failure(alice, "locked", r -> r.setVersionStage("AWSPENDING"));
      sm.failNext(1, 400, "AccessDeniedException");
      failure(alice, "locked", r -> r.setForceRefresh(true));
      lines = logs.lines();
      rendered = logs.rendered();
    }
    Map<String, String> credentials = new java.util.LinkedHashMap<>(Map.of(
        "the broker's secret access key", FakeSts.BROKER_SECRET,
        "a bearer token", alice,
        "a bearer token's signature", alice.substring(alice.lastIndexOf('.') + 1),
        "a secret value", "locked-secret-value"));
    assertEquals(1, sts.allMinted().size(), "the broker assumed the secret's role once");
    FakeSts.Minted session = sts.allMinted().get(0);
    credentials.put("the broker's session token", session.sessionToken());
    credentials.put("the broker's session secret key", session.secret());
    assertTrue(lines.stream().anyMatch(l -> l.contains("re-reading secret locked/db")), "captured");
    java.util.Set<String> leaks = new java.util.TreeSet<>();
    credentials.forEach((what, value) -> {
      lines.stream().filter(l -> l.contains(value))
          .forEach(l -> leaks.add(what + " from " + l.substring(0, l.indexOf(':'))));
      if (rendered.contains(value)) {
        leaks.add(what + " in the rendered log");
      }
    });
    assertEquals(java.util.Set.of(), leaks, "credentials in the " + level + " log");
  }

  private static void assertStatus(Status.Code code, String inDescription, Status status) {
    assertEquals(code, status.getCode(), status.toString());
    assertTrue(status.getDescription().contains(inDescription), status.getDescription());
  }

  private String dev(String subject) {
    return dev(subject, "developers");
  }

  private String dev(String subject, String group) {
    return idp.mint(subject, Map.of("groups", List.of(group)), Duration.ofHours(3));
  }

  private SecretValue get(String token, String secret, UnaryOperator<GetSecretValueRequest.Builder> r) {
    return stub(token).getSecretValue(r.apply(GetSecretValueRequest.newBuilder().setSecret(secret)).build());
  }

  private Status failure(String token, String secret, UnaryOperator<GetSecretValueRequest.Builder> r) {
    Status s = assertThrows(StatusRuntimeException.class, () -> get(token, secret, r)).getStatus();
    shownToCallers.add(s.toString());
    return s;
  }

  private CredentialBrokerGrpc.CredentialBrokerBlockingStub stub(String token) {
    Metadata h = new Metadata();
    h.put(CallInfoInterceptor.AUTHORIZATION, "Bearer " + token);
    return CredentialBrokerGrpc.newBlockingStub(broker.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }
}
