package dev.credbroker.core.policy;

import dev.credbroker.core.audit.AccessUsage;
import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.RuleConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Periodic access review ("remove unused access"): what a window of decisions says about the
 * policy. Per role and secret, who was allowed it and when last; the (rule, target) grants nobody
 * used; the rules that matched no request; and the identities seen that hold entitlements they
 * never used. The last one evaluates the policy again with what the records kept of each identity
 * (issuer, subject, client id and the claims listed in {@code audit.claims}), with no source
 * address, at the end of the window: conditions on other claims or on the source address do not
 * hold there, so it may list fewer entitlements than the identity holds, never more than the
 * policy grants to those claims. Pure: the usages come from files or the store.
 */
public final class AccessReview {
  /** Roles before secrets, each by alias: the report's order, stable from run to run. */
  private static final Comparator<Target> TARGET_ORDER =
      Comparator.comparing(Target::kind).thenComparing(Target::alias);

  private AccessReview() {}

  /** Who called: issuer, subject and OAuth client. */
  public record Identity(String issuer, String subject, String clientId) {}

  /** One identity's allowed requests for a target. */
  public record Use(Identity identity, long requests, Instant last) {}

  /** A target and everyone allowed it in the window, most recent first. */
  public record TargetUse(Target target, List<Use> uses) {}

  /** A target an allow rule grants. */
  public record Grant(String ruleId, Target target) {}

  /** An identity seen in the window and what it may have but never had. */
  public record Idle(Identity identity, Instant lastSeen, List<Target> unused) {}

  /** The review of {@code [since, until)}. */
  public record Report(Instant since, Instant until, List<TargetUse> used,
      List<Grant> unusedGrants, List<RuleConfig> unmatchedRules, List<Idle> idle) {}

  public static Report of(BrokerConfig config, List<AccessUsage> usages, Instant since,
      Instant until) {
    PolicyEngine engine = new PolicyEngine(config);
    Map<Target, Map<Identity, Use>> used = new TreeMap<>(TARGET_ORDER);
    Set<Grant> grantsUsed = new HashSet<>();
    Set<String> matched = new HashSet<>();
    Map<Identity, AccessUsage> latest = new HashMap<>();
    Map<Identity, Set<Target>> usedBy = new HashMap<>();
    for (AccessUsage u : usages) {
      matched.addAll(u.ruleIds());
      Identity who = new Identity(u.issuer(), u.subject(), u.clientId());
      latest.merge(who, u, (a, b) -> b.last().isAfter(a.last()) ? b : a);
      Optional<Target> target = target(u, engine);
      if (target.isEmpty() || u.decision() != AuditEvent.Decision.ALLOW) {
        continue;
      }
      used.computeIfAbsent(target.get(), t -> new HashMap<>()).merge(who,
          new Use(who, u.count(), u.last()), (a, b) -> new Use(who, a.requests() + b.requests(),
              a.last().isAfter(b.last()) ? a.last() : b.last()));
      u.ruleIds().forEach(r -> grantsUsed.add(new Grant(r, target.get())));
      usedBy.computeIfAbsent(who, w -> new HashSet<>()).add(target.get());
    }
    List<TargetUse> uses = new ArrayList<>();
    used.forEach((t, byWho) -> uses.add(new TargetUse(t, byWho.values().stream()
        .sorted(Comparator.comparing(Use::last).reversed()).toList())));
    List<Grant> unusedGrants = new ArrayList<>();
    List<RuleConfig> unmatched = new ArrayList<>();
    for (RuleConfig rule : config.rules()) {
      if (!matched.contains(rule.id())) {
        unmatched.add(rule);
      }
      if (rule.effect() == RuleConfig.Effect.ALLOW) {
        grants(rule, config).stream().filter(g -> !grantsUsed.contains(g))
            .forEach(unusedGrants::add);
      }
    }
    List<Idle> idle = new ArrayList<>();
    latest.entrySet().stream()
        .sorted(Map.Entry.comparingByValue(Comparator.comparing(AccessUsage::last).reversed()))
        .forEach(e -> {
          Set<Target> had = usedBy.getOrDefault(e.getKey(), Set.of());
          List<Target> never = engine.entitlements(input(e.getKey(), e.getValue(), until))
              .stream().map(Decision::target).filter(t -> !had.contains(t)).toList();
          if (!never.isEmpty()) {
            idle.add(new Idle(e.getKey(), e.getValue().last(), never));
          }
        });
    return new Report(since, until, uses, unusedGrants, unmatched, idle);
  }

  /** The configured role or secret a usage asked for; empty for calls without one. */
  private static Optional<Target> target(AccessUsage u, PolicyEngine engine) {
    if (!u.role().isEmpty()) {
      return Optional.of(Target.role(u.role()));
    }
    return u.secret().isEmpty() ? Optional.empty()
        : Optional.of(Target.secret(engine.secretAlias(u.secret())));
  }

  /** The configured roles and secrets an allow rule grants ({@code "*"} expanded). */
  private static List<Grant> grants(RuleConfig rule, BrokerConfig config) {
    List<Grant> out = new ArrayList<>();
    config.roles().keySet().stream().sorted().filter(rule::coversRole)
        .forEach(r -> out.add(new Grant(rule.id(), Target.role(r))));
    config.secrets().keySet().stream().sorted().filter(rule::coversSecret)
        .forEach(s -> out.add(new Grant(rule.id(), Target.secret(s))));
    return out;
  }

  /**
   * What the records say of an identity, as a policy input: the recorded claims, with
   * {@code iss}, {@code sub} and {@code azp} from the caller where the claims lack them.
   */
  private static PolicyInput input(Identity who, AccessUsage latest, Instant at) {
    Map<String, Object> claims = new LinkedHashMap<>(latest.claims());
    claims.putIfAbsent("iss", who.issuer());
    claims.putIfAbsent("sub", who.subject());
    if (!who.clientId().isEmpty()) {
      claims.putIfAbsent("azp", who.clientId());
    }
    return new PolicyInput(who.issuer(), claims, Optional.empty(), at);
  }
}
