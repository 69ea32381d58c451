package dev.credbroker.core.config;

import dev.credbroker.core.limits.Limits;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One entitlement rule. An allow rule grants the listed roles and secrets when its condition
 * holds; a deny rule refuses them (all of them when it lists none) and always wins. {@code "*"}
 * stands for every role or every secret. {@code auditor: true} covers searching the audit log;
 * {@code admin: true} covers revoking and restoring identities (AdminService).
 */
public record RuleConfig(
    String id,
    Effect effect,
    List<String> roles,
    List<String> secrets,
    ConditionSpec when,
    Optional<Duration> maxDuration,
    boolean auditor,
    boolean admin) {

  public static final String ALL = "*";

  /** What a matching rule does. */
  public enum Effect { ALLOW, DENY }

  public RuleConfig {
    roles = List.copyOf(roles);
    secrets = List.copyOf(secrets);
  }

  /** A rule about roles and secrets only. */
  public RuleConfig(String id, Effect effect, List<String> roles, List<String> secrets,
      ConditionSpec when, Optional<Duration> maxDuration) {
    this(id, effect, roles, secrets, when, maxDuration, false, false);
  }

  public boolean coversRole(String alias) {
    return roles.contains(ALL) || roles.contains(alias) || blanketDeny();
  }

  public boolean coversSecret(String alias) {
    return secrets.contains(ALL) || secrets.contains(alias) || blanketDeny();
  }

  /** Whether the rule grants (or denies) searching the audit log. */
  public boolean coversAuditor() {
    return auditor || blanketDeny();
  }

  /** Whether the rule grants (or denies) revoking identities. */
  public boolean coversAdmin() {
    return admin || blanketDeny();
  }

  private boolean blanketDeny() {
    return effect == Effect.DENY && roles.isEmpty() && secrets.isEmpty() && !auditor && !admin;
  }

  static RuleConfig read(ConfigNode n) throws ConfigException {
    String id = n.requiredString("id", "payments-deployers");
    if (!RoleConfig.ALIAS.matcher(id).matches()) {
      throw new ConfigException(n.pathOf("id"), "1-128 of letters, digits and ._-");
    }
    Effect effect = n.enumValue("effect", Effect.class).orElse(Effect.ALLOW);
    List<String> roles = n.stringList("roles");
    List<String> secrets = n.stringList("secrets");
    boolean auditor = n.bool("auditor").orElse(false);
    boolean admin = n.bool("admin").orElse(false);
    if (effect == Effect.ALLOW && roles.isEmpty() && secrets.isEmpty() && !auditor && !admin) {
      throw new ConfigException(n.path(), "an allow rule needs roles, secrets, auditor: true or"
          + " admin: true to grant");
    }
    ConditionSpec when = n.has("when") ? ConditionReader.read(n.mapping("when"), 0)
        : new ConditionSpec.All(List.of());
    Optional<Duration> max = n.duration("max_duration", Limits.MIN_SESSION, Limits.MAX_SESSION);
    if (max.isPresent() && effect == Effect.DENY) {
      throw new ConfigException(n.pathOf("max_duration"), "only allow rules grant durations");
    }
    RuleConfig rule = new RuleConfig(id, effect, roles, secrets, when, max, auditor, admin);
    n.rejectUnknownKeys();
    return rule;
  }
}
