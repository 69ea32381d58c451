package dev.credbroker.core.policy;

import dev.credbroker.core.config.AwsChars;
import dev.credbroker.core.config.RoleConfig;
import dev.credbroker.core.model.ClaimPath;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a role's {@code session_tags} and {@code source_identity} into values for this caller. A
 * value written {@code $.path} is read from the claims; anything else is literal. A claim that
 * would break AWS's limits denies the request with a reason, instead of a failing STS call.
 */
final class SessionValues {
  /** Claim references from the config, parsed once (bounded by the config's size). */
  private static final java.util.concurrent.ConcurrentHashMap<String, ClaimPath> PATHS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private SessionValues() {}

  /** Thrown when a claim cannot become a tag or source identity; the message is the reason. */
  static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;

    Unusable(String message) {
      super(message, null, false, false);
    }
  }

  static Map<String, String> tags(RoleConfig role, Map<String, Object> claims) throws Unusable {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> tag : role.sessionTags().entrySet()) {
      Optional<String> value = resolve(tag.getValue(), claims, tag.getKey());
      if (value.isEmpty()) {
        continue; // an absent claim leaves the tag out
      }
      String v = value.get();
      if (v.length() > RoleConfig.MAX_TAG_VALUE) {
        throw new Unusable("session tag '" + tag.getKey() + "' would be " + v.length()
            + " characters; AWS allows " + RoleConfig.MAX_TAG_VALUE);
      }
      if (!AwsChars.isTagText(v)) {
        throw new Unusable("session tag '" + tag.getKey() + "' would contain characters AWS does"
            + " not allow in tag values (letters, digits, spaces and _.:/=+-@ only)");
      }
      out.put(tag.getKey(), v);
    }
    return out;
  }

  static Optional<String> sourceIdentity(RoleConfig role, Map<String, Object> claims)
      throws Unusable {
    if (role.sourceIdentity().isEmpty()) {
      return Optional.empty();
    }
    Optional<String> value = resolve(role.sourceIdentity().get(), claims, null);
    if (value.isEmpty()) {
      throw new Unusable("source identity claim " + role.sourceIdentity().get() + " is absent");
    }
    if (!AwsChars.isSourceIdentity(value.get())) {
      throw new Unusable("source identity from " + role.sourceIdentity().get() + " does not fit"
          + " STS's pattern (2-64 of letters, digits and _+=,.@-)");
    }
    return value;
  }

  /** {@code tagKey} names the tag for messages; null for the source identity. */
  private static Optional<String> resolve(String spec, Map<String, Object> claims, String tagKey)
      throws Unusable {
    if (!spec.startsWith("$.")) {
      return Optional.of(spec);
    }
    Optional<Object> value = PATHS.computeIfAbsent(spec, ClaimPath::parse).lookup(claims);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Object v = value.get();
    if (v instanceof String s) {
      return Optional.of(s);
    }
    if (v instanceof Number || v instanceof Boolean) {
      return Optional.of(String.valueOf(v));
    }
    String what = tagKey == null ? "source identity" : "session tag '" + tagKey + "'";
    throw new Unusable(what + " claim " + spec + " is " + (v instanceof Map ? "an object" : "a list")
        + ", not a single value");
  }
}
