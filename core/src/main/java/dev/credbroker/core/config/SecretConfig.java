package dev.credbroker.core.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Secrets Manager secret callers may read by alias: how long a value is served from the cache
 * ({@code cache_ttl}), how much longer it may be served while AWS is unreachable
 * ({@code stale_grace}), whose credentials read it (the broker's, or {@code role_arn}'s), whether
 * callers may name it by its Secrets Manager id instead of the alias, and how often one caller
 * may bypass the cache with {@code force_refresh}.
 */
public record SecretConfig(
    String alias,
    String secretId,
    Duration cacheTtl,
    Duration staleGrace,
    Optional<String> roleArn,
    Optional<String> externalId,
    boolean allowRequestById,
    Duration forceRefreshInterval) {

  /** Like AWS's own caching client. */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofHours(1);
  public static final Duration DEFAULT_STALE_GRACE = Duration.ofHours(1);
  public static final Duration DEFAULT_FORCE_REFRESH_INTERVAL = Duration.ofSeconds(10);
  /** Secret names (CreateSecret API reference) and secret ARNs. */
  static final Pattern NAME = Pattern.compile("[\\w/+=.@-]{1,512}");
  static final Pattern ARN = Pattern.compile(
      "arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:([\\w/+=.@-]{1,512})");
  /** The hyphen and six characters Secrets Manager appends to a name in its ARN. */
  private static final Pattern ARN_SUFFIX = Pattern.compile("-[A-Za-z0-9]{6}$");

  /** A secret with every default, read with the broker's own credentials. */
  public static SecretConfig of(String alias, String secretId) {
    return new SecretConfig(alias, secretId, DEFAULT_CACHE_TTL, DEFAULT_STALE_GRACE,
        Optional.empty(), Optional.empty(), false, DEFAULT_FORCE_REFRESH_INTERVAL);
  }

  /**
   * The texts that name this secret in a request besides its alias, when allowed: the configured
   * id and, for an ARN, the secret's name in it.
   */
  public java.util.Set<String> idsAccepted() {
    if (!allowRequestById) {
      return java.util.Set.of();
    }
    var arn = ARN.matcher(secretId);
    return arn.matches()
        ? java.util.Set.of(secretId, ARN_SUFFIX.matcher(arn.group(1)).replaceFirst(""))
        : java.util.Set.of(secretId);
  }

  static SecretConfig read(String alias, ConfigNode n) throws ConfigException {
    RoleConfig.requireAlias(n, alias);
    String id = n.requiredString("id", "payments/db or arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME");
    if (!NAME.matcher(id).matches() && !ARN.matcher(id).matches()) {
      throw new ConfigException(n.pathOf("id"), "not a secret name (1-512 of letters, digits and"
          + " /_+=.@-) or a secret ARN: " + ConfigNode.quote(id));
    }
    Optional<String> roleArn = n.string("role_arn");
    if (roleArn.isPresent()) {
      RoleConfig.roleArn(n, "role_arn", roleArn.get());
    }
    Optional<String> externalId = RoleConfig.externalId(n);
    if (externalId.isPresent() && roleArn.isEmpty()) {
      throw new ConfigException(n.pathOf("external_id"), "applies to role_arn; set role_arn too");
    }
    SecretConfig secret = new SecretConfig(alias, id,
        n.duration("cache_ttl", Duration.ZERO, Duration.ofDays(1)).orElse(DEFAULT_CACHE_TTL),
        n.duration("stale_grace", Duration.ZERO, Duration.ofDays(7)).orElse(DEFAULT_STALE_GRACE),
        roleArn, externalId, n.bool("allow_request_by_id").orElse(false),
        n.duration("force_refresh_interval", Duration.ofSeconds(1), Duration.ofHours(1))
            .orElse(DEFAULT_FORCE_REFRESH_INTERVAL));
    n.rejectUnknownKeys();
    return secret;
  }
}
