package dev.credbroker.core.policy;

import dev.credbroker.core.audit.AccessUsage;
import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.UsageTally;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Access review over arbitrary usages (any subject, claims, targets, outcomes and rule ids, known
 * or not): the report never contradicts the usages it was given, and hostile trail lines are
 * passed over, never thrown.
 */
class AccessReviewPropertiesTest {
  private static final Instant SINCE = Instant.parse("2026-09-01T00:00:00Z");
  private static final Instant UNTIL = Instant.parse("2026-12-01T00:00:00Z");
  private static final BrokerConfig CONFIG = config();

  private static BrokerConfig config() {
    try {
      return ConfigLoader.parse("""
          server: {listen: 127.0.0.1:8443}
          roles:
            r1: {arn: "arn:aws:iam::123456789012:role/r1"}
            r2: {arn: "arn:aws:iam::123456789012:role/r2"}
          secrets: {s1: {id: app/s1}}
          rules:
            - {id: a, when: {claims: {groups: {contains: g1}}}, roles: [r1], secrets: [s1]}
            - {id: b, roles: ["*"]}
            - {id: d, effect: deny, when: {claims: {sub: {equals: mallory}}}}
          """, "test", Path.of("."));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Property(tries = 300)
  void theReport_neverContradictsItsUsages(@ForAll("usages") List<AccessUsage> usages) {
    AccessReview.Report r = AccessReview.of(CONFIG, usages, SINCE, UNTIL);
    Set<String> named = usages.stream().flatMap(u -> u.ruleIds().stream())
        .collect(Collectors.toSet());
    for (var rule : r.unmatchedRules()) {
      if (named.contains(rule.id())) {
        throw new AssertionError(rule.id() + " was named and is listed as matching nothing");
      }
    }
    for (AccessReview.Grant g : r.unusedGrants()) {
      boolean used = usages.stream().anyMatch(u -> u.decision() == AuditEvent.Decision.ALLOW
          && u.ruleIds().contains(g.ruleId()) && target(u).equals(g.target()));
      if (used) {
        throw new AssertionError(g + " was used");
      }
    }
    long allowed = usages.stream().filter(u -> u.decision() == AuditEvent.Decision.ALLOW
        && (!u.role().isEmpty() || !u.secret().isEmpty())).mapToLong(AccessUsage::count).sum();
    long counted = r.used().stream().flatMap(t -> t.uses().stream())
        .mapToLong(AccessReview.Use::requests).sum();
    if (allowed != counted) {
      throw new AssertionError("allowed requests " + allowed + ", reported " + counted);
    }
    for (AccessReview.Idle i : r.idle()) {
      for (Target t : i.unused()) {
        boolean had = r.used().stream().anyMatch(u -> u.target().equals(t)
            && u.uses().stream().anyMatch(x -> x.identity().equals(i.identity())));
        if (had) {
          throw new AssertionError(i.identity() + " used " + t + " and is listed as idle");
        }
      }
    }
  }

  @Property(tries = 200)
  void hostileTrailLines_arePassedOver(@ForAll("lines") List<String> lines) throws Exception {
    Path file = Files.createTempFile("review", ".jsonl");
    try {
      Files.writeString(file, String.join("\n", lines), StandardCharsets.UTF_8);
      List<AccessUsage> usages = UsageTally.fromFiles(List.of(file), SINCE, UNTIL);
      AccessReview.of(CONFIG, usages, SINCE, UNTIL);
    } finally {
      Files.delete(file);
    }
  }

  private static Target target(AccessUsage u) {
    return u.role().isEmpty() ? Target.secret(u.secret()) : Target.role(u.role());
  }

  @Provide
  Arbitrary<List<AccessUsage>> usages() {
    Arbitrary<String> who = Arbitraries.of("alice", "bob", "mallory", "", "\u0000x", "é");
    Arbitrary<String> role = Arbitraries.of("", "r1", "r2", "unknown");
    Arbitrary<String> secret = Arbitraries.of("", "s1", "app/s1", "nope");
    Arbitrary<List<String>> rules = Arbitraries.of("a", "b", "d", "gone").list().ofMaxSize(3);
    Arbitrary<Map<String, Object>> claims = Arbitraries.of(Map.<String, Object>of(),
        Map.<String, Object>of("groups", List.of("g1")), Map.<String, Object>of("groups", "g1"),
        Map.<String, Object>of("sub", 7));
    Arbitrary<AuditEvent.Decision> decision = Arbitraries.of(AuditEvent.Decision.class);
    return Combinators.combine(role, secret, who, decision, rules, claims,
        Arbitraries.longs().between(1, 1000), Arbitraries.longs().between(0, 1000))
        .as((r, s, w, d, ids, c, n, t) -> new AccessUsage(r, s, "https://idp", w, "", d, ids, c, n,
            SINCE.plusSeconds(t)))
        .list().ofMaxSize(20);
  }

  @Provide
  Arbitrary<List<String>> lines() {
    Arbitrary<String> hostile = Arbitraries.of(
        "{\"type\":\"decision\",\"time\":\"2026-10-01T00:00:00Z\",\"rule_ids\":\"a\"}",
        "{\"type\":\"decision\",\"time\":\"2026-10-01T00:00:00Z\",\"caller\":[1],\"role\":5}",
        "{\"type\":\"decision\",\"time\":\"2026-10-01T00:00:00Z\",\"caller\":{\"claims\":[]}}",
        "{\"type\":\"decision\",\"time\":\"not a time\",\"role\":\"r1\"}",
        "{\"type\":\"decision\",\"time\":\"2026-10-01T00:00:00Z\",\"decision\":\"allow\","
            + "\"role\":\"r1\",\"rule_ids\":[null,1,\"a\"],\"caller\":{\"subject\":null,"
            + "\"claims\":{\"groups\":null}}}",
        "[]", "null", "");
    return Arbitraries.oneOf(hostile, Arbitraries.strings().ofMaxLength(60)).list()
        .ofMaxSize(12);
  }
}
