package dev.credbroker.core.policy;

import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConditionSpec;
import dev.credbroker.core.config.IssuerConfig;
import dev.credbroker.core.config.RuleConfig.Effect;
import dev.credbroker.core.config.RuleConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds policy mistakes that validation cannot call errors: rules that can never match, allow
 * rules that an unconditional deny always overrides, and roles or secrets nobody can reach. Each
 * finding is one line naming the rule or alias.
 */
public final class PolicyLint {
  private PolicyLint() {}

  public static List<String> findings(BrokerConfig config) {
    List<String> out = new ArrayList<>();
    Set<String> issuers = new HashSet<>();
    config.issuers().stream().map(IssuerConfig::issuer).forEach(issuers::add);
    for (RuleConfig rule : config.rules()) {
      String never = neverMatches(rule.when(), issuers);
      if (never != null) {
        out.add("rule " + rule.id() + " can never match: " + never);
      }
    }
    List<RuleConfig> alwaysDeny = config.rules().stream()
        .filter(r -> r.effect() == Effect.DENY && isAlways(r.when())).toList();
    for (RuleConfig allow : config.rules()) {
      if (allow.effect() != Effect.ALLOW) {
        continue;
      }
      var allowed = targets(allow, config); // empty for a rule that only grants auditor
      boolean shadowed = !allowed.isEmpty() && allowed.stream().allMatch(t -> alwaysDeny.stream()
          .anyMatch(d -> t.kind() == Target.Kind.ROLE ? d.coversRole(t.alias()) : d.coversSecret(t.alias())));
      if (shadowed) {
        out.add("rule " + allow.id() + " is shadowed: an unconditional deny covers everything it allows");
      }
    }
    for (String role : config.roles().keySet()) {
      if (config.rules().stream().noneMatch(r -> r.effect() == Effect.ALLOW && r.coversRole(role))) {
        out.add("role " + role + " is unreachable: no allow rule covers it");
      }
    }
    for (String secret : config.secrets().keySet()) {
      if (config.rules().stream().noneMatch(r -> r.effect() == Effect.ALLOW && r.coversSecret(secret))) {
        out.add("secret " + secret + " is unreachable: no allow rule covers it");
      }
    }
    return out;
  }

  private static List<Target> targets(RuleConfig rule, BrokerConfig config) {
    List<Target> out = new ArrayList<>();
    config.roles().keySet().stream().filter(rule::coversRole).map(Target::role).forEach(out::add);
    config.secrets().keySet().stream().filter(rule::coversSecret).map(Target::secret).forEach(out::add);
    return out;
  }

  private static boolean isAlways(ConditionSpec c) {
    return c instanceof ConditionSpec.All all && all.conditions().isEmpty();
  }

  /** A reason the condition can never hold, or null; conservative (no false alarms). */
  private static String neverMatches(ConditionSpec c, Set<String> issuers) {
    if (c instanceof ConditionSpec.Issuer i && !issuers.isEmpty()
        && i.issuers().stream().noneMatch(issuers::contains)) {
      return "issuer " + i.issuers() + " is not among the configured issuers";
    }
    if (c instanceof ConditionSpec.Any any && any.conditions().isEmpty()) {
      return "any: [] never holds";
    }
    if (c instanceof ConditionSpec.Not not && isAlways(not.condition())) {
      return "not: {} never holds";
    }
    if (c instanceof ConditionSpec.TimeWindow w && w.from().equals(w.to())) {
      return "the time window " + w.from() + "-" + w.to() + " is empty";
    }
    if (c instanceof ConditionSpec.All all) {
      Set<Object> exists = new HashSet<>();
      Set<Object> absent = new HashSet<>();
      for (ConditionSpec part : all.conditions()) {
        String inner = neverMatches(part, issuers);
        if (inner != null) {
          return inner;
        }
        if (part instanceof ConditionSpec.Claim claim) {
          (claim.test() == ConditionSpec.ClaimTest.ABSENT ? absent : exists).add(claim.path());
        }
      }
      exists.retainAll(absent);
      if (!exists.isEmpty()) {
        return "claim " + exists.iterator().next() + " must be both present and absent";
      }
    }
    if (c instanceof ConditionSpec.Any any && any.conditions().stream()
        .allMatch(part -> neverMatches(part, issuers) != null)) {
      return "no alternative of any: can hold";
    }
    return null;
  }
}
