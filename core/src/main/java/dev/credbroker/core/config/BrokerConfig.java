package dev.credbroker.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole validated configuration. Immutable: a reload builds a new instance and swaps it in, so
 * a request sees one consistent configuration from start to end.
 */
public record BrokerConfig(
    ServerConfig server,
    List<IssuerConfig> issuers,
    Map<String, RoleConfig> roles,
    Map<String, SecretConfig> secrets,
    List<RuleConfig> rules,
    AwsConfig aws,
    CredentialsConfig credentials,
    LoggingConfig logging,
    Optional<AuditConfig> audit,
    MetricsConfig metrics,
    RevocationConfig revocation,
    RateLimitsConfig rateLimits) {

  public BrokerConfig {
    issuers = List.copyOf(issuers);
    roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
    secrets = Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    rules = List.copyOf(rules);
  }

  /** The same configuration with one more trusted issuer (dev mode adds its own). */
  public BrokerConfig withIssuer(IssuerConfig extra) {
    List<IssuerConfig> all = new ArrayList<>(issuers);
    all.add(extra);
    return new BrokerConfig(server, all, roles, secrets, rules, aws, credentials, logging, audit,
        metrics, revocation, rateLimits);
  }

  /** The same configuration recording to {@code where} (dev mode's default). */
  public BrokerConfig withAudit(AuditConfig where) {
    return new BrokerConfig(server, issuers, roles, secrets, rules, aws, credentials, logging,
        Optional.of(where), metrics, revocation, rateLimits);
  }

  /** The same configuration reaching AWS as {@code how} says (dev mode's own endpoint). */
  public BrokerConfig withAws(AwsConfig how) {
    return new BrokerConfig(server, issuers, roles, secrets, rules, how, credentials, logging,
        audit, metrics, revocation, rateLimits);
  }

  /** The same configuration limiting callers as {@code how} says (benchmarks turn limits off). */
  public BrokerConfig withRateLimits(RateLimitsConfig how) {
    return new BrokerConfig(server, issuers, roles, secrets, rules, aws, credentials, logging,
        audit, metrics, revocation, how);
  }

  /** The same configuration keeping its revocations as {@code how} says (dev mode's workspace). */
  public BrokerConfig withRevocation(RevocationConfig how) {
    return new BrokerConfig(server, issuers, roles, secrets, rules, aws, credentials, logging,
        audit, metrics, how, rateLimits);
  }

  static BrokerConfig read(ConfigNode root) throws ConfigException {
    if (!root.has("server")) {
      throw new ConfigException("server", "required; write for example server: {listen: 127.0.0.1:8443}");
    }
    BrokerConfig config = new BrokerConfig(
        ServerConfig.read(root.mapping("server")),
        readIssuers(root),
        readRoles(root.mapping("roles")),
        readSecrets(root.mapping("secrets")),
        List.of(),
        AwsConfig.read(root.mapping("aws")),
        CredentialsConfig.read(root.mapping("credentials")),
        LoggingConfig.read(root.mapping("logging")),
        root.has("audit") ? Optional.of(AuditConfig.read(root.mapping("audit"))) : Optional.empty(),
        MetricsConfig.read(root.mapping("metrics")),
        RevocationConfig.read(root.mapping("revocation")),
        RateLimitsConfig.read(root.mapping("rate_limits")));
    Map<String, RoleConfig> roles = new LinkedHashMap<>(); // credentials.session_name as default
    for (RoleConfig role : config.roles().values()) {
      roles.put(role.alias(), role.orSessionName(config.credentials().sessionName()));
    }
    config = new BrokerConfig(config.server(), config.issuers(), roles, config.secrets(),
        readRules(root, config), config.aws(), config.credentials(), config.logging(),
        config.audit(), config.metrics(), config.revocation(), config.rateLimits());
    root.rejectUnknownKeys();
    return config;
  }

  private static Map<String, RoleConfig> readRoles(ConfigNode n) throws ConfigException {
    Map<String, RoleConfig> roles = new LinkedHashMap<>();
    for (String alias : n.keys()) {
      roles.put(alias, RoleConfig.read(alias, n.mapping(alias)));
    }
    return roles;
  }

  private static Map<String, SecretConfig> readSecrets(ConfigNode n) throws ConfigException {
    Map<String, SecretConfig> secrets = new LinkedHashMap<>();
    for (String alias : n.keys()) {
      secrets.put(alias, SecretConfig.read(alias, n.mapping(alias)));
    }
    // A request names one secret: an id accepted in place of an alias must be unambiguous.
    Map<String, String> owners = new LinkedHashMap<>();
    for (SecretConfig s : secrets.values()) {
      for (String id : s.idsAccepted()) {
        String other = secrets.containsKey(id) ? id : owners.putIfAbsent(id, s.alias());
        if (other != null && !other.equals(s.alias())) {
          throw new ConfigException(n.pathOf(s.alias()) + ".allow_request_by_id", "'" + id
              + "' would name both this secret and '" + other + "'; allow it on one of them only");
        }
      }
    }
    return secrets;
  }

  private static List<RuleConfig> readRules(ConfigNode root, BrokerConfig config)
      throws ConfigException {
    List<RuleConfig> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (ConfigNode node : root.mappingList("rules")) {
      RuleConfig rule = RuleConfig.read(node);
      if (!ids.add(rule.id())) {
        throw new ConfigException(node.pathOf("id"), "'" + rule.id() + "' is used by two rules");
      }
      checkTargets(node.pathOf("roles"), rule.roles(), config.roles().keySet(), "roles");
      checkTargets(node.pathOf("secrets"), rule.secrets(), config.secrets().keySet(), "secrets");
      rules.add(rule);
    }
    return rules;
  }

  private static void checkTargets(String path, List<String> targets, Set<String> known,
      String section) throws ConfigException {
    for (int i = 0; i < targets.size(); i++) {
      String t = targets.get(i);
      if (!RuleConfig.ALL.equals(t) && !known.contains(t)) {
        throw new ConfigException(path + "[" + i + "]", "'" + t + "' is not defined under "
            + section + (known.isEmpty() ? "" : "; defined: " + String.join(", ", known)));
      }
    }
  }

  private static List<IssuerConfig> readIssuers(ConfigNode root) throws ConfigException {
    List<IssuerConfig> issuers = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<ConfigNode> nodes = root.mappingList("issuers");
    for (ConfigNode node : nodes) {
      IssuerConfig issuer = IssuerConfig.read(node);
      if (!seen.add(issuer.issuer())) {
        throw new ConfigException(node.pathOf("issuer"), "'" + issuer.issuer()
            + "' is listed twice; merge the two entries");
      }
      issuers.add(issuer);
    }
    return issuers;
  }
}
