package dev.credbroker.core.config;

import dev.credbroker.core.limits.Limits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An AWS role callers may request by alias, and what every session for it carries. Values of
 * {@code session_tags} and {@code source_identity} are claim references ({@code $.claim.path}) or
 * literal text. Limits are AWS's (STS AssumeRole API reference): sessions 15 minutes to 12
 * hours, at most 50 session tags, keys up to 128 and values up to 256 characters. With {@code
 * revoke_in_aws: true}, a revocation also denies the identity's already-issued sessions of this
 * role in IAM (an inline policy on the role, docs/revocation.md). {@code session_name}: how its
 * session names read in CloudTrail ({@link SessionNameTemplate}; else {@code
 * credentials.session_name}; else the subject).
 */
public record RoleConfig(
    String alias,
    String arn,
    Mode mode,
    Duration maxDuration,
    Map<String, String> sessionTags,
    List<String> transitiveTagKeys,
    Optional<String> sourceIdentity,
    Optional<String> sessionPolicy,
    List<String> policyArns,
    Optional<String> externalId,
    boolean revokeInAws,
    Optional<SessionNameTemplate> sessionName) {

  /**
   * {@code assume_role}: the broker assumes the role with its own credentials. {@code
   * web_identity}: the broker passes the caller's own token to AssumeRoleWithWebIdentity, so the
   * role's trust policy checks the caller's IdP directly; the broker still decides, caches and
   * audits.
   */
  public enum Mode { ASSUME_ROLE, WEB_IDENTITY }

  public static final int MAX_TAGS = 50;
  public static final int MAX_TAG_KEY = 128;
  public static final int MAX_TAG_VALUE = 256;
  static final Pattern ROLE_ARN = Pattern.compile(
      "arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
  static final Pattern POLICY_ARN = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}|aws):policy/[\\w+=,.@/-]+");
  static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public RoleConfig {
    sessionTags = Map.copyOf(sessionTags);
    transitiveTagKeys = List.copyOf(transitiveTagKeys);
    policyArns = List.copyOf(policyArns);
  }

  /** This role, with {@code fallback} as its session name template unless it has its own. */
  RoleConfig orSessionName(Optional<SessionNameTemplate> fallback) {
    return sessionName.isPresent() || fallback.isEmpty() ? this : new RoleConfig(alias, arn, mode,
        maxDuration, sessionTags, transitiveTagKeys, sourceIdentity, sessionPolicy, policyArns,
        externalId, revokeInAws, fallback);
  }

  static RoleConfig read(String alias, ConfigNode n) throws ConfigException {
    requireAlias(n, alias);
    String arn = roleArn(n, "arn",
        n.requiredString("arn", "arn:aws:iam::123456789012:role/payments-deployer"));
    Duration max = n.duration("max_duration", Limits.MIN_SESSION, Limits.MAX_SESSION).orElse(Duration.ofHours(1));
    ConfigNode tagsNode = n.mapping("session_tags");
    Map<String, String> tags = new java.util.LinkedHashMap<>();
    for (String key : tagsNode.keys()) {
      String value = tagsNode.requiredString(key, "\"$.groups[0]\" or a literal");
      if (key.length() > MAX_TAG_KEY || key.isEmpty() || !AwsChars.isTagText(key)) {
        throw new ConfigException(tagsNode.pathOf(key), "not a valid AWS tag key (1-128 of letters,"
            + " digits, spaces and _.:/=+-@)");
      }
      if (key.toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
        throw new ConfigException(tagsNode.pathOf(key), "tag keys starting with aws: are reserved");
      }
      claimReference(tagsNode.pathOf(key), value);
      tags.put(key, value);
    }
    if (tags.size() > MAX_TAGS) {
      throw new ConfigException(n.pathOf("session_tags"), "at most " + MAX_TAGS
          + " session tags (STS limit), got " + tags.size());
    }
    List<String> transitive = n.stringList("transitive_tag_keys");
    for (int i = 0; i < transitive.size(); i++) {
      if (!tags.containsKey(transitive.get(i))) {
        throw new ConfigException(n.pathOf("transitive_tag_keys") + "[" + i + "]", "'"
            + transitive.get(i) + "' is not a key of session_tags");
      }
    }
    List<String> policyArns = n.stringList("policy_arns");
    for (int i = 0; i < policyArns.size(); i++) {
      if (!POLICY_ARN.matcher(policyArns.get(i)).matches()) {
        throw new ConfigException(n.pathOf("policy_arns") + "[" + i + "]",
            "not an IAM policy ARN: " + ConfigNode.quote(policyArns.get(i)));
      }
    }
    if (policyArns.size() > 10) {
      throw new ConfigException(n.pathOf("policy_arns"), "at most 10 managed policies (STS limit)");
    }
    Optional<String> policy = n.string("session_policy");
    if (policy.isPresent() && !policy.get().strip().startsWith("{")) {
      throw new ConfigException(n.pathOf("session_policy"), "expected an IAM policy JSON document");
    }
    Optional<String> externalId = externalId(n);
    Optional<String> sourceIdentity = n.string("source_identity");
    if (sourceIdentity.isPresent()) {
      claimReference(n.pathOf("source_identity"), sourceIdentity.get());
    }
    Mode mode = n.enumValue("mode", Mode.class).orElse(Mode.ASSUME_ROLE);
    if (mode == Mode.WEB_IDENTITY) {
      // AssumeRoleWithWebIdentity takes tags and source identity from the token, not the request.
      for (String key : List.of("session_tags", "transitive_tag_keys", "source_identity", "external_id")) {
        if (n.has(key)) {
          throw new ConfigException(n.pathOf(key), "not available with mode: web_identity (STS takes"
              + " these from the caller's token); remove it or use mode: assume_role");
        }
      }
    }
    boolean revokeInAws = n.bool("revoke_in_aws").orElse(false);
    RoleConfig role = new RoleConfig(alias, arn, mode, max, tags, transitive, sourceIdentity,
        policy, policyArns, externalId, revokeInAws,
        SessionNameTemplate.read(n));
    n.rejectUnknownKeys();
    return role;
  }

  /** A value starting with {@code $.} reads a claim; it must be a valid claim path. */
  private static void claimReference(String at, String value) throws ConfigException {
    if (value.startsWith("$.")) {
      try {
        dev.credbroker.core.model.ClaimPath.parse(value);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(at, e.getMessage());
      }
    }
  }

  static String roleArn(ConfigNode n, String key, String arn) throws ConfigException {
    if (!ROLE_ARN.matcher(arn).matches()) {
      throw new ConfigException(n.pathOf(key), "not an IAM role ARN: " + ConfigNode.quote(arn)
          + " (expected arn:aws:iam::ACCOUNT:role/NAME)");
    }
    return arn;
  }

  /** STS ExternalId, as the AssumeRole API reference limits it. */
  static Optional<String> externalId(ConfigNode n) throws ConfigException {
    Optional<String> externalId = n.string("external_id");
    if (externalId.isPresent() && !externalId.get().matches("[\\w+=,.@:/-]{2,1224}")) {
      throw new ConfigException(n.pathOf("external_id"), "2-1224 of letters, digits and +=,.@:/-");
    }
    return externalId;
  }

  static void requireAlias(ConfigNode n, String alias) throws ConfigException {
    if (!ALIAS.matcher(alias).matches()) {
      throw new ConfigException(n.path(), "alias must be 1-128 of letters, digits and ._-,"
          + " starting with a letter or digit");
    }
  }
}
