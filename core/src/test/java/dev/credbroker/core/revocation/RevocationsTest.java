package dev.credbroker.core.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.revocation.Revocations.Asked;
import dev.credbroker.core.revocation.Revocations.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which requests a revocation refuses: target, scope, cut-off, all tokens, expiry. */
class RevocationsTest {
  static final Instant CUT = Instant.parse("2026-11-30T15:00:00Z");
  static final String ISS = "https://idp.example.com";
  static final Asked ROLE = new Asked.Role("deployer", Optional.of("alice"));

  @Test
  void aSubjectsTokensIssuedBeforeTheCutOff_areRefused_newerOnesAreNot() {
    Revocations list = Revocations.of(List.of(subject("r1", "alice", false, List.of())));
    assertEquals("r1", list.refusing(alice(CUT.minusSeconds(1)), ROLE, CUT).orElseThrow().id());
    assertEquals("r1", list.refusing(alice(null), ROLE, CUT).orElseThrow().id(),
        "a token without iat cannot show it is newer: refused");
    assertTrue(list.refusing(alice(CUT.plusSeconds(1)), ROLE, CUT).isEmpty());
    assertTrue(list.refusing(new Caller("https://other.example.com", "alice", Optional.empty(),
        "0123456789abcdef", Optional.of(CUT.minusSeconds(9))), ROLE, CUT).isEmpty(),
        "the same subject at another issuer is another identity");
  }

  @Test
  void allTokens_refusesNewerTokensToo_untilWithdrawn() {
    Revocations list = Revocations.of(List.of(subject("r1", "alice", true, List.of())));
    assertTrue(list.refusing(alice(CUT.plus(Duration.ofDays(30))), ROLE,
        CUT.plus(Duration.ofDays(30))).isPresent());
  }

  @Test
  void aScopedRevocation_refusesOnlyItsRolesAndSecrets() {
    Revocations list = Revocations.of(List.of(subject("r1", "alice", false, List.of("deployer"))));
    Caller alice = alice(CUT.minusSeconds(5));
    assertTrue(list.refusing(alice, ROLE, CUT).isPresent());
    assertTrue(list.refusing(alice, new Asked.Role("readonly", Optional.empty()), CUT).isEmpty());
    assertTrue(list.refusing(alice, new Asked.Secret("db"), CUT).isEmpty());
    assertTrue(list.refusing(alice, new Asked.Nothing(), CUT).isEmpty());
    Revocations everything = Revocations.of(List.of(subject("r2", "alice", false, List.of())));
    assertTrue(everything.refusing(alice, new Asked.Secret("db"), CUT).isPresent());
    assertTrue(everything.refusing(alice, new Asked.Nothing(), CUT).isPresent());
  }

  @Test
  void clientIdTokenHashAndSourceIdentityTargets_matchTheirOwnFactOnly() {
    Revocations list = Revocations.of(List.of(
        revocation("c", new RevocationTarget.ClientId("ci-runner"), false, List.of()),
        revocation("t", new RevocationTarget.TokenHash("00112233445566ff"), false, List.of()),
        revocation("i", new RevocationTarget.SourceIdentity("bob"), false, List.of())));
    Instant old = CUT.minusSeconds(60);
    assertEquals("c", list.refusing(new Caller(ISS, "svc", Optional.of("ci-runner"),
        "aaaaaaaaaaaaaaaa", Optional.of(old)), new Asked.Nothing(), CUT).orElseThrow().id());
    assertEquals("t", list.refusing(new Caller(ISS, "x", Optional.empty(), "00112233445566ff",
        Optional.of(old)), new Asked.Secret("db"), CUT).orElseThrow().id());
    assertEquals("i", list.refusing(new Caller(ISS, "x", Optional.empty(), "aaaaaaaaaaaaaaaa",
        Optional.of(old)), new Asked.Role("deployer", Optional.of("bob")), CUT).orElseThrow().id());
    assertTrue(list.refusing(new Caller(ISS, "x", Optional.empty(), "aaaaaaaaaaaaaaaa",
        Optional.of(old)), new Asked.Secret("bob"), CUT).isEmpty(),
        "a source identity names sessions, not secrets");
  }

  @Test
  void anExpiredRevocation_refusesNothing() {
    Revocation r = new Revocation("r1", new RevocationTarget.Subject(ISS, "alice"), List.of(),
        List.of(), CUT, false, "laptop stolen", "admin", CUT, Optional.of(CUT.plusSeconds(60)));
    Revocations list = Revocations.of(List.of(r));
    assertTrue(list.refusing(alice(CUT.minusSeconds(1)), ROLE, CUT.plusSeconds(59)).isPresent());
    assertTrue(list.refusing(alice(CUT.minusSeconds(1)), ROLE, CUT.plusSeconds(60)).isEmpty());
  }

  @Test
  void invalidRevocations_areRefusedWithAReason() {
    assertThrows(IllegalArgumentException.class, () -> new RevocationTarget.TokenHash("XYZ"));
    assertThrows(IllegalArgumentException.class,
        () -> new RevocationTarget.SourceIdentity("has space"));
    assertThrows(IllegalArgumentException.class, () -> new RevocationTarget.Subject(ISS, " "));
    assertThrows(IllegalArgumentException.class, () -> new RevocationTarget.Subject(ISS,
        "a\u0000b"));
    IllegalArgumentException reason = assertThrows(IllegalArgumentException.class,
        () -> new Revocation("r", new RevocationTarget.ClientId("c"), List.of(), List.of(), CUT,
            false, "x".repeat(Revocation.MAX_REASON + 1), "admin", CUT, Optional.empty()));
    assertTrue(reason.getMessage().contains("1024"), reason.getMessage());
  }

  static Caller alice(Instant issuedAt) {
    return new Caller(ISS, "alice", Optional.of("laptop-cli"), "0123456789abcdef",
        Optional.ofNullable(issuedAt));
  }

  static Revocation subject(String id, String subject, boolean allTokens, List<String> roles) {
    return revocation(id, new RevocationTarget.Subject(ISS, subject), allTokens, roles);
  }

  static Revocation revocation(String id, RevocationTarget target, boolean allTokens,
      List<String> roles) {
    return new Revocation(id, target, roles, List.of(), CUT, allTokens, "incident 42", "admin",
        CUT, allTokens ? Optional.empty() : Optional.of(CUT.plus(Duration.ofHours(12))));
  }
}
