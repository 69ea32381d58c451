package dev.credbroker.core.policy;

import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.RoleConfig;
import dev.credbroker.core.config.RuleConfig.Effect;
import dev.credbroker.core.config.RuleConfig;
import dev.credbroker.core.config.SecretConfig;
import dev.credbroker.core.limits.Limits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Decides who may have which role or secret. Default deny: a request is allowed only if an allow
 * rule covering the target matches; any matching deny rule covering it wins over every allow.
 * Rule order never matters: all covering rules are evaluated and the outcome depends only on which
 * matched. Pure: no I/O, no clock of its own.
 */
public final class PolicyEngine {
  private final Map<String, RoleConfig> roles;
  private final Map<String, SecretConfig> secrets;
  private final Map<Target, List<RuleConfig>> covering = new java.util.HashMap<>();
  private final Map<String, String> secretAliasById = new java.util.HashMap<>();

  public PolicyEngine(BrokerConfig config) {
    this.roles = config.roles();
    this.secrets = config.secrets();
    // Indexed once per configuration: a decision looks only at the rules covering its target.
    for (String alias : roles.keySet()) {
      covering.put(Target.role(alias), config.rules().stream()
          .filter(r -> r.coversRole(alias)).toList());
    }
    for (String alias : secrets.keySet()) {
      covering.put(Target.secret(alias), config.rules().stream()
          .filter(r -> r.coversSecret(alias)).toList());
      secrets.get(alias).idsAccepted().forEach(id -> secretAliasById.put(id, alias));
    }
    covering.put(Target.AUDITOR, config.rules().stream().filter(RuleConfig::coversAuditor).toList());
    covering.put(Target.ADMIN, config.rules().stream().filter(RuleConfig::coversAdmin).toList());
  }

  public Decision decide(PolicyInput in, Target target) {
    List<RuleConfig> rules = covering.get(target);
    if (rules == null) {
      return new Decision(target, false, List.of(), "no " + target + " is configured",
          Optional.empty(), List.of());
    }
    List<RuleTrace> trace = new ArrayList<>();
    TreeSet<String> denies = new TreeSet<>();
    TreeSet<String> allows = new TreeSet<>();
    Duration granted = Duration.ZERO;
    for (RuleConfig rule : rules) {
      Outcome o = Conditions.evaluate(rule.when(), in);
      trace.add(new RuleTrace(rule.id(), rule.effect(), o.holds(), o::why));
      if (!o.holds()) {
        continue;
      }
      if (rule.effect() == Effect.DENY) {
        denies.add(rule.id());
      } else {
        allows.add(rule.id());
        Duration d = rule.maxDuration().orElse(Limits.MAX_SESSION);
        granted = d.compareTo(granted) > 0 ? d : granted;
      }
    }
    if (!denies.isEmpty()) {
      return new Decision(target, false, List.copyOf(denies), target + " denied by rule "
          + String.join(", ", denies), Optional.empty(), trace);
    }
    if (allows.isEmpty()) {
      return new Decision(target, false, List.of(), "no rule allows " + target
          + " for this caller", Optional.empty(), trace);
    }
    String reason = target + " allowed by rule " + String.join(", ", allows);
    if (target.kind() != Target.Kind.ROLE) {
      return new Decision(target, true, List.copyOf(allows), reason, Optional.empty(), trace);
    }
    RoleConfig role = roles.get(target.alias());
    try {
      RoleGrant grant = new RoleGrant(role,
          granted.compareTo(role.maxDuration()) < 0 ? granted : role.maxDuration(),
          SessionValues.tags(role, in.claims()), SessionValues.sourceIdentity(role, in.claims()));
      return new Decision(target, true, List.copyOf(allows), reason, Optional.of(grant), trace);
    } catch (SessionValues.Unusable e) {
      return new Decision(target, false, List.copyOf(allows), target + " allowed by rule "
          + String.join(", ", allows) + " but refused: " + e.getMessage(), Optional.empty(), trace);
    }
  }

  /** The Secrets Manager id behind a configured secret alias. */
  public String secretId(String alias) {
    return secrets.get(alias).secretId();
  }

  /** The configured secret behind an alias. */
  public Optional<SecretConfig> secret(String alias) {
    return Optional.ofNullable(secrets.get(alias));
  }

  /**
   * The alias a request's secret field stands for: an alias as written, or the alias of the
   * secret whose name or ARN it is where that secret allows requests by id; anything else is
   * returned unchanged and, as no rule covers it, denied.
   */
  public String secretAlias(String requested) {
    return secrets.containsKey(requested) ? requested
        : secretAliasById.getOrDefault(requested, requested);
  }

  /** Every role and secret this caller may request now, each with its allowing decision. */
  public List<Decision> entitlements(PolicyInput in) {
    List<Decision> out = new ArrayList<>();
    for (String alias : new TreeSet<>(roles.keySet())) {
      Decision d = decide(in, Target.role(alias));
      if (d.allowed()) {
        out.add(d);
      }
    }
    for (String alias : new TreeSet<>(secrets.keySet())) {
      Decision d = decide(in, Target.secret(alias));
      if (d.allowed()) {
        out.add(d);
      }
    }
    return out;
  }
}
