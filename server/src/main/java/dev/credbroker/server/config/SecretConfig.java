package dev.credbroker.server.config;

import java.time.Duration;

/** A Secrets Manager secret callers may read by alias. */
public record SecretConfig(String alias, String secretId, Duration cacheTtl) {

  /** Like AWS's own caching client. */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofHours(1);

  static SecretConfig read(String alias, ConfigNode n) throws ConfigException {
    RoleConfig.requireAlias(n, alias);
    String id = n.requiredString("id", "payments/db or arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME");
    if (id.length() > 2048) {
      throw new ConfigException(n.pathOf("id"), "longer than 2048 characters");
    }
    SecretConfig secret = new SecretConfig(alias, id,
        n.duration("cache_ttl", Duration.ZERO, Duration.ofDays(1)).orElse(DEFAULT_CACHE_TTL));
    n.rejectUnknownKeys();
    return secret;
  }
}
