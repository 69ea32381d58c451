package dev.credbroker.core.revocation;

import dev.credbroker.core.limits.Limits;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One decision to cut an identity off: whom, from what, which of its tokens, why, and until when.
 * Tokens issued before {@code before} are refused; with {@code allTokens} every token is, until
 * the revocation is withdrawn. Empty {@code roles} and {@code secrets} mean everything.
 *
 * @param expires when the revocation stops applying: by default when every session issued before
 *     the cut-off has expired (the cut-off plus the longest session a role grants); none for
 *     {@code allTokens}, which lasts until withdrawn
 */
public record Revocation(
    String id,
    RevocationTarget target,
    List<String> roles,
    List<String> secrets,
    Instant before,
    boolean allTokens,
    String reason,
    String revokedBy,
    Instant created,
    Optional<Instant> expires) {

  /** Reasons are for people reading the list; long enough for a ticket reference and a line. */
  public static final int MAX_REASON = 1024;
  /** Scope entries are aliases, bounded as the config's are. */
  public static final int MAX_SCOPE = 100;

  public Revocation {
    requireText("id", id);
    Objects.requireNonNull(target, "target");
    roles = List.copyOf(roles);
    secrets = List.copyOf(secrets);
    Objects.requireNonNull(before, "before");
    requireText("reason", reason);
    if (reason.length() > MAX_REASON) {
      throw new IllegalArgumentException("a reason is at most " + MAX_REASON + " characters");
    }
    Objects.requireNonNull(revokedBy, "revokedBy");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(expires, "expires");
    if (roles.size() > MAX_SCOPE || secrets.size() > MAX_SCOPE) {
      throw new IllegalArgumentException("at most " + MAX_SCOPE + " roles and " + MAX_SCOPE
          + " secrets in one revocation");
    }
    for (String alias : roles) {
      requireText("role", alias);
    }
    for (String alias : secrets) {
      requireText("secret", alias);
    }
  }

  /** Whether it still applies at {@code now}. */
  public boolean activeAt(Instant now) {
    return expires.isEmpty() || now.isBefore(expires.get());
  }

  /** Whether a request for this role alias is in scope. */
  public boolean coversRole(String alias) {
    return roles.isEmpty() && secrets.isEmpty() || roles.contains(alias);
  }

  /** Whether a request for this secret alias is in scope. */
  public boolean coversSecret(String alias) {
    return roles.isEmpty() && secrets.isEmpty() || secrets.contains(alias);
  }

  /**
   * Whether a token issued at {@code issuedAt} is cut off. A token without {@code iat} cannot
   * show it is newer than the cut-off, so it is cut off too (fail closed).
   */
  public boolean cutsToken(Optional<Instant> issuedAt) {
    return allTokens || issuedAt.isEmpty() || issuedAt.get().isBefore(before);
  }

  static void requireText(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.isBlank() || value.length() > Limits.MAX_ALIAS_CHARS) {
      throw new IllegalArgumentException("a " + what + " is 1-" + Limits.MAX_ALIAS_CHARS
          + " characters, not blank");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException("a " + what + " may not contain control characters");
      }
    }
  }
}
