package dev.credbroker.core.policy;

import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConditionSpec.ClaimTest;
import dev.credbroker.core.config.ConditionSpec;
import dev.credbroker.core.config.LoggingConfig;
import dev.credbroker.core.config.RoleConfig;
import dev.credbroker.core.config.RuleConfig;
import dev.credbroker.core.config.SecretConfig;
import dev.credbroker.core.model.ClaimPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Laws every policy must obey, over randomly generated rule sets and callers. */
class PolicyPropertiesTest {
  private static final List<String> ROLES = List.of("r1", "r2", "r3");
  private static final List<String> SECRETS = List.of("s1", "s2");
  private static final List<Target> TARGETS = List.of(Target.role("r1"), Target.role("r2"),
      Target.role("r3"), Target.secret("s1"), Target.secret("s2"));

  @Property(tries = 300)
  void addingADenyRuleNeverGrantsMore(@ForAll("rules") List<RuleConfig> rules,
      @ForAll("denyRules") RuleConfig deny, @ForAll("inputs") PolicyInput in) {
    PolicyEngine before = engine(rules);
    List<RuleConfig> more = new ArrayList<>(rules);
    more.add(deny);
    PolicyEngine after = engine(more);
    for (Target t : TARGETS) {
      if (after.decide(in, t).allowed() && !before.decide(in, t).allowed()) {
        throw new AssertionError("deny rule " + deny + " granted " + t);
      }
    }
  }

  @Property(tries = 200)
  void aMatchingDenyCoveringATargetBeatsEveryAllow(@ForAll("rules") List<RuleConfig> rules,
      @ForAll("inputs") PolicyInput in) {
    List<RuleConfig> more = new ArrayList<>(rules);
    more.add(new RuleConfig("deny-all", RuleConfig.Effect.DENY, List.of(), List.of(),
        new ConditionSpec.All(List.of()), Optional.empty()));
    PolicyEngine engine = engine(more);
    for (Target t : TARGETS) {
      Decision d = engine.decide(in, t);
      if (d.allowed() || !d.ruleIds().contains("deny-all")) {
        throw new AssertionError(t + ": " + d.reason());
      }
    }
  }

  @Property(tries = 300)
  void withoutAllowRulesEverythingIsDenied(@ForAll("denyRuleLists") List<RuleConfig> denies,
      @ForAll("inputs") PolicyInput in) {
    PolicyEngine engine = engine(denies);
    for (Target t : TARGETS) {
      if (engine.decide(in, t).allowed()) {
        throw new AssertionError(t + " allowed without any allow rule");
      }
    }
  }

  @Property(tries = 300)
  void ruleOrderNeverChangesADecision(@ForAll("rules") List<RuleConfig> rules,
      @ForAll("inputs") PolicyInput in, @ForAll long seed) {
    List<RuleConfig> shuffled = new ArrayList<>(rules);
    Collections.shuffle(shuffled, new Random(seed));
    PolicyEngine a = engine(rules);
    PolicyEngine b = engine(shuffled);
    for (Target t : TARGETS) {
      Decision x = a.decide(in, t);
      Decision y = b.decide(in, t);
      if (x.allowed() != y.allowed() || !x.ruleIds().equals(y.ruleIds())
          || !x.roleGrant().equals(y.roleGrant())) {
        throw new AssertionError(t + ": " + x.reason() + " vs " + y.reason());
      }
    }
  }

  @Provide
  Arbitrary<List<RuleConfig>> rules() {
    return Arbitraries.oneOf(allowRule(), denyRule()).list().ofMaxSize(8).map(PolicyPropertiesTest::uniqueIds);
  }

  @Provide
  Arbitrary<RuleConfig> denyRules() {
    return denyRule();
  }

  @Provide
  Arbitrary<List<RuleConfig>> denyRuleLists() {
    return denyRule().list().ofMaxSize(6).map(PolicyPropertiesTest::uniqueIds);
  }

  @Provide
  Arbitrary<PolicyInput> inputs() {
    Arbitrary<List<String>> groups = Arbitraries.of("a", "b", "c").list().uniqueElements().ofMaxSize(3);
    Arbitrary<Optional<String>> email = Arbitraries.of("u@x.com", "a@y.com", "admin@x.com")
        .optional();
    Arbitrary<Optional<Long>> level = Arbitraries.longs().between(1, 3).optional();
    Arbitrary<String> issuer = Arbitraries.of("https://one", "https://two");
    return Combinators.combine(groups, email, level, issuer).as((g, e, l, iss) -> {
      Map<String, Object> claims = new HashMap<>();
      claims.put("groups", g);
      e.ifPresent(v -> claims.put("email", v));
      l.ifPresent(v -> claims.put("level", v));
      return new PolicyInput(iss, claims, Optional.empty(), Instant.parse("2026-11-24T12:00:00Z"));
    });
  }

  private Arbitrary<RuleConfig> allowRule() {
    return Combinators.combine(condition(2), targets(ROLES), targets(SECRETS),
        Arbitraries.of(15L, 30L, 60L, 120L).optional())
        .filter((c, r, s, d) -> !r.isEmpty() || !s.isEmpty())
        .as((c, r, s, d) -> new RuleConfig("x", RuleConfig.Effect.ALLOW, r, s, c,
            d.map(Duration::ofMinutes)));
  }

  private Arbitrary<RuleConfig> denyRule() {
    return Combinators.combine(condition(2), targets(ROLES), targets(SECRETS))
        .as((c, r, s) -> new RuleConfig("x", RuleConfig.Effect.DENY, r, s, c, Optional.empty()));
  }

  private Arbitrary<List<String>> targets(List<String> names) {
    List<String> choices = new ArrayList<>(names);
    choices.add(RuleConfig.ALL);
    return Arbitraries.of(choices).list().uniqueElements().ofMaxSize(2);
  }

  private Arbitrary<ConditionSpec> condition(int depth) {
    Arbitrary<ConditionSpec> leaf = Arbitraries.oneOf(
        Arbitraries.of("a", "b", "c").map(g -> claim("groups", ClaimTest.CONTAINS, g)),
        Arbitraries.of("*@x.com", "a*", "*", "admin@*").map(p -> claim("email", ClaimTest.GLOB, p)),
        Arbitraries.longs().between(1, 3).map(l -> claim("level", ClaimTest.EQUALS, l)),
        Arbitraries.of(ClaimTest.EXISTS, ClaimTest.ABSENT).map(t -> new ConditionSpec.Claim(
            ClaimPath.parse("email"), t, List.of())),
        Arbitraries.of("https://one", "https://two").map(i -> new ConditionSpec.Issuer(java.util.Set.of(i))));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<ConditionSpec> inner = condition(depth - 1);
    return Arbitraries.oneOf(leaf, leaf,
        inner.list().ofMaxSize(3).map(ConditionSpec.All::new),
        inner.list().ofMaxSize(3).map(ConditionSpec.Any::new),
        inner.map(ConditionSpec.Not::new));
  }

  private static ConditionSpec claim(String path, ClaimTest test, Object operand) {
    return new ConditionSpec.Claim(ClaimPath.parse(path), test, List.of(operand));
  }

  private static List<RuleConfig> uniqueIds(List<RuleConfig> rules) {
    List<RuleConfig> out = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      RuleConfig r = rules.get(i);
      out.add(new RuleConfig("rule-" + i, r.effect(), r.roles(), r.secrets(), r.when(), r.maxDuration()));
    }
    return out;
  }

  private static PolicyEngine engine(List<RuleConfig> rules) {
    Map<String, RoleConfig> roles = new LinkedHashMap<>();
    for (String r : ROLES) {
      roles.put(r, new RoleConfig(r, "arn:aws:iam::123456789012:role/" + r, RoleConfig.Mode.ASSUME_ROLE,
          Duration.ofHours(1),
          Map.of(), List.of(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(), false,
          Optional.empty()));
    }
    Map<String, SecretConfig> secrets = new LinkedHashMap<>();
    for (String s : SECRETS) {
      secrets.put(s, SecretConfig.of(s, "id/" + s));
    }
    return new PolicyEngine(new BrokerConfig(null, List.of(), roles, secrets, rules,
        dev.credbroker.core.config.AwsConfig.DEFAULTS,
        dev.credbroker.core.config.CredentialsConfig.DEFAULTS, LoggingConfig.DEFAULTS,
        java.util.Optional.empty(), dev.credbroker.core.config.MetricsConfig.OFF,
        dev.credbroker.core.config.RevocationConfig.in(java.nio.file.Path.of(".")),
        dev.credbroker.core.config.RateLimitsConfig.OFF));
  }
}
