package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.AuditJson;
import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.audit.StatusCode;
import dev.credbroker.core.policy.Decision;
import dev.credbroker.core.policy.Target;
import dev.credbroker.server.model.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The record of each kind of outcome, from {@link CallRecord} alone, and its text: each record
 * must encode byte for byte as the encoder before issue 20 wrote the same facts
 * ({@code records-v1.golden}, one line per test, written by commit fbd5a71's {@code AuditJson}),
 * because logs already on disk and the tools reading them depend on it.
 */
class CallRecordTest {
  private static final AuditEvent.Caller ALICE = new AuditEvent.Caller(
      "https://idp.example/realms/corp", "alice", "cli", Map.of("groups",
          List.of("dev", "ops\u2028\"q\""), "email", "alice@example.com", "n", 3L));
  private static final AuditEvent.Caller MALLORY =
      new AuditEvent.Caller("https://idp", "mallory", "", Map.of());

  @Test
  void allowedCredential_recordsTheCredentialByItsPublicParts() throws IOException {
    var credential = new AuditEvent.IssuedCredential("ASIAEXAMPLE", "alice.0123456789abcdef", "",
        Instant.parse("2026-11-30T16:04:05Z"),
        "arn:aws:sts::123456789012:assumed-role/deployer/alice.0123456789abcdef");
    AuditEvent e = CallRecord.of(facts("2026-11-30T15:04:05.123456789Z",
        "0123456789abcdef0123456789abcdef", Optional.of(ALICE), "127.0.0.1:5000",
        "0123456789abcdef", Asked.role("deployer"), Duration.ofNanos(48_211)),
        Rpc.GET_AWS_CREDENTIALS, Outcome.Allowed.by(allow(Target.role("deployer"), "devs"), "answer",
            new Outcome.Handed.Credential(credential, AuditEvent.Cache.HIT, "aws-req-1")));
    assertEquals(AuditEvent.Decision.ALLOW, e.decision());
    assertEquals(StatusCode.OK, e.status());
    assertEquals(Optional.of(credential), e.credential());
    assertEquals(AuditEvent.Cache.HIT, e.cache());
    assertEncodesAsBefore(0, e);
  }

  @Test
  void allowedSecret_recordsTheVersionRead_neverTheValue() throws IOException {
    var read = new AuditEvent.SecretRead("v-0123456789abcdef0123456789abcdef", List.of("AWSCURRENT"));
    AuditEvent e = CallRecord.of(facts("2026-11-30T15:04:05.120Z", "req-2", Optional.of(ALICE),
        "[::1]:5000", "0123456789abcdef", Asked.secret("db"), Duration.ofMillis(3)),
        Rpc.GET_SECRET_VALUE, Outcome.Allowed.by(allow(Target.secret("db"), "devs", "ops"),
            "the value", new Outcome.Handed.SecretRead(read, AuditEvent.Cache.STALE, "aws-req-2")));
    assertEquals(AuditEvent.Decision.ALLOW, e.decision());
    assertEquals(Optional.of(read), e.secretRead());
    assertEquals(List.of("devs", "ops"), e.ruleIds());
    assertEncodesAsBefore(1, e);
  }

  /** The question issue 20 asks: what does a denied GetSecretValue record? */
  @Test
  void deniedSecret_recordsThePolicysReason_andNothingHandedOut() throws IOException {
    Decision no = new Decision(Target.secret("db"), false, List.of(),
        "no rule allows secret 'db' for this caller", Optional.empty(), List.of());
    AuditEvent e = CallRecord.of(facts("2026-11-30T15:04:05Z", "req-3", Optional.of(MALLORY),
        "10.0.0.1:1", "fedcba9876543210", Asked.secret("db"), Duration.ofNanos(999)),
        Rpc.GET_SECRET_VALUE, new Outcome.Denied<>(no, Target.secret("db")));
    assertEquals(AuditEvent.Decision.DENY, e.decision());
    assertEquals(StatusCode.PERMISSION_DENIED, e.status());
    assertEquals(no.reason(), e.reason());
    assertEquals(Optional.of("db"), e.secret());
    assertTrue(e.secretRead().isEmpty() && e.credential().isEmpty());
    assertEquals(AuditEvent.Cache.NOT_APPLICABLE, e.cache());
    assertEncodesAsBefore(2, e);
  }

  @Test
  void failed_recordsAnErrorWithTheStatusTheCallerGot() throws IOException {
    AuditEvent e = CallRecord.of(facts("2026-11-30T15:04:05.000123Z", "req-4", Optional.of(ALICE),
        "10.0.0.1:1", "fedcba9876543210", Asked.role("deployer"), Duration.ofMillis(51)),
        Rpc.GET_AWS_CREDENTIALS, new Outcome.Failed<>(StatusCode.PERMISSION_DENIED,
            "AWS refused the request: AccessDenied (\"x\")"));
    assertEquals(AuditEvent.Decision.ERROR, e.decision());
    assertEquals(StatusCode.PERMISSION_DENIED, e.status());
    assertEncodesAsBefore(3, e);
  }

  @Test
  void unauthenticated_recordsADenialWithoutACaller() throws IOException {
    AuditEvent e = CallRecord.of(facts("1999-12-31T23:59:59.999Z", "req-5", Optional.empty(),
        "unknown", "", Asked.NOTHING, Duration.ZERO), Rpc.WHO_AM_I,
        new Outcome.Unauthenticated<>(
            "missing bearer token; send metadata 'authorization: Bearer <JWT>'"));
    assertEquals(AuditEvent.Decision.DENY, e.decision());
    assertEquals(StatusCode.UNAUTHENTICATED, e.status());
    assertTrue(e.caller().isEmpty());
    assertEncodesAsBefore(4, e);
  }

  /**
   * A refused token's record says what it claimed, in its own {@code unverified} object (never as
   * the caller); the record of any other outcome does not, even when the facts hold it.
   */
  @Test
  void unauthenticated_withClaims_recordsThemUnverified_afterTheReason() throws IOException {
    AuditEvent.Unverified claimed = new AuditEvent.Unverified("https://idp.example.com",
        "mallory\n\u001b[31m", "k1");
    CallFacts facts = new CallFacts(Instant.parse("1999-12-31T23:59:59.999Z"), "req-5",
        "unknown", "0123456789abcdef", Optional.empty(), Asked.NOTHING, Duration.ZERO,
        Optional.of(claimed));
    AuditEvent e = CallRecord.of(facts, Rpc.WHO_AM_I, new Outcome.Unauthenticated<>(
        "token signature does not verify"));
    assertTrue(e.caller().isEmpty());
    String json = new String(AuditJson.decision(e), StandardCharsets.UTF_8);
    assertTrue(json.contains(",\"reason\":\"token signature does not verify\",\"unverified\":"
        + "{\"issuer\":\"https://idp.example.com\",\"subject\":\"mallory\\n\\u001b[31m\","
        + "\"kid\":\"k1\"},\"peer_address\""), json);
    AuditEvent failed = CallRecord.of(facts, Rpc.WHO_AM_I, new Outcome.Failed<>(
        StatusCode.INVALID_ARGUMENT, "bad body"));
    assertTrue(failed.unverified().isEmpty());
  }

  /** The enums write the names records have always held, for every constant. */
  @Test
  void enums_writeTheirWireNames() {
    for (Rpc rpc : Rpc.values()) {
      assertEquals(Optional.of(rpc), Rpc.fromWire(rpc.wireName()));
    }
    assertEquals(List.of("GetAwsCredentials", "GetSecretValue", "ListEntitlements", "WhoAmI",
        "SearchAudit", "Revoke", "ListRevocations", "Unrevoke"), List.of(Rpc.values()).stream().map(Rpc::wireName).toList());
    for (io.grpc.Status.Code code : io.grpc.Status.Code.values()) {
      assertEquals(code.name(), StatusCodes.of(code).wireName());
      assertEquals(code, StatusCodes.of(StatusCodes.of(code)));
    }
  }

  private static CallFacts facts(String time, String requestId, Optional<AuditEvent.Caller> caller,
      String peer, String tokenHash, Asked asked, Duration latency) {
    return new CallFacts(Instant.parse(time), requestId, peer, tokenHash, caller, asked, latency,
        Optional.empty());
  }

  private static Decision allow(Target target, String... rules) {
    return new Decision(target, true, List.of(rules), target + " allowed by rule "
        + String.join(", ", rules), Optional.empty(), List.of());
  }

  private static void assertEncodesAsBefore(int line, AuditEvent e) throws IOException {
    try (InputStream in = CallRecordTest.class.getResourceAsStream("records-v1.golden")) {
      String golden = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")[line];
      assertEquals(golden, new String(AuditJson.decision(e), StandardCharsets.UTF_8));
    }
  }
}
