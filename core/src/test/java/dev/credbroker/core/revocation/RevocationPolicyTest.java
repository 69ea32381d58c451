package dev.credbroker.core.revocation;

import static dev.credbroker.core.revocation.RevocationsTest.CUT;
import static dev.credbroker.core.revocation.RevocationsTest.ISS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.core.digest.CallerDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The role's deny document: one statement per expressible revocation, within IAM's limit. */
class RevocationPolicyTest {
  static final Duration TWELVE_HOURS = Duration.ofHours(12);

  @Test
  void subjectAndSourceIdentity_becomeConditionedDenies() throws Exception {
    List<Revocation> all = List.of(RevocationsTest.subject("r-1", "alice", false, List.of()),
        RevocationsTest.revocation("r-2", new RevocationTarget.SourceIdentity("bob"), false,
            List.of("deployer")));
    RevocationPolicy.Built built = RevocationPolicy.forRole("deployer", TWELVE_HOURS, all, CUT);
    assertEquals(List.of("r-1", "r-2"), built.included());
    Map<String, Object> doc = JSONObjectUtils.parse(built.document().orElseThrow());
    List<?> statements = (List<?>) doc.get("Statement");
    assertEquals(Map.of("Sid", "Revocationr1", "Effect", "Deny", "Action", "*", "Resource", "*",
        "Condition", Map.of("DateLessThan", Map.of("aws:TokenIssueTime", "2026-11-30T15:00:00Z"),
            "StringLike", Map.of("aws:userid", "*." + CallerDigest.of(ISS, "alice")))),
        statements.get(0));
    assertEquals(Map.of("StringEquals", Map.of("aws:SourceIdentity", "bob")),
        Map.of("StringEquals", ((Map<?, ?>) ((Map<?, ?>) statements.get(1)).get("Condition"))
            .get("StringEquals")));
  }

  @Test
  void aCutOffWithinASecond_roundsUp_soSessionsOfThatSecondAreCut() throws Exception {
    Revocation r = new Revocation("r", new RevocationTarget.SourceIdentity("bob"), List.of(),
        List.of(), CUT.plusMillis(300), false, "x", "a", CUT, java.util.Optional.empty());
    String doc = RevocationPolicy.forRole("deployer", TWELVE_HOURS, List.of(r), CUT)
        .document().orElseThrow();
    assertTrue(doc.contains("\"aws:TokenIssueTime\":\"2026-11-30T15:00:01Z\""), doc);
  }

  @Test
  void outOfScopeExpiredAndInvisibleTargets_areLeftOut() {
    List<Revocation> all = List.of(
        RevocationsTest.subject("other-role", "alice", false, List.of("readonly")),
        RevocationsTest.revocation("client", new RevocationTarget.ClientId("ci"), false, List.of()),
        RevocationsTest.revocation("token", new RevocationTarget.TokenHash("0123456789abcdef"),
            false, List.of()));
    RevocationPolicy.Built built = RevocationPolicy.forRole("deployer", TWELVE_HOURS, all, CUT);
    assertTrue(built.document().isEmpty(), "nothing to put: the policy is deleted");
    assertEquals(List.of("client", "token"), built.left().stream()
        .map(RevocationPolicy.Left::revocationId).toList());

    RevocationPolicy.Built later = RevocationPolicy.forRole("deployer", TWELVE_HOURS,
        List.of(RevocationsTest.subject("r", "alice", false, List.of())), CUT.plus(TWELVE_HOURS));
    assertTrue(later.document().isEmpty(), "every session issued before the cut-off has expired");
  }

  @Test
  void statementsBeyondIamsLimit_areReportedNotDropped() {
    List<Revocation> all = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      all.add(RevocationsTest.revocation("r" + i, new RevocationTarget.SourceIdentity(
          "user-" + "x".repeat(40) + i), false, List.of()));
    }
    RevocationPolicy.Built built = RevocationPolicy.forRole("deployer", TWELVE_HOURS, all, CUT);
    String doc = built.document().orElseThrow();
    assertTrue(doc.length() <= RevocationPolicy.IAM_LIMIT, doc.length() + " characters");
    assertEquals(80, built.included().size() + built.left().size());
    assertTrue(built.left().size() > 0 && built.left().get(0).why().contains("10240"));
    assertEquals("r0", built.included().get(0), "the oldest revocations keep their place");
  }
}
