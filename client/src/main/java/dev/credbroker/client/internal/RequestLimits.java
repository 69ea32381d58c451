package dev.credbroker.client.internal;

import java.time.Duration;

/**
 * The broker's request limits as the client checks them before sending. The client library does
 * not depend on {@code core}, where the limits are defined ({@code dev.credbroker.core.limits.Limits}),
 * so this is its one copy; {@code LimitsAgreeTest} in the CLI, which sees both, asserts they are
 * equal.
 */
public final class RequestLimits {
  /** The shortest session AWS STS issues. */
  public static final Duration MIN_SESSION = Duration.ofMinutes(15);
  /** The longest session AWS STS issues for a role. */
  public static final Duration MAX_SESSION = Duration.ofHours(12);
  /** The longest role or secret alias, in characters. */
  public static final int MAX_ALIAS_CHARS = 2048;

  private RequestLimits() {}

  /** {@code d}, when it is a session length STS issues (at least 15 minutes); the broker caps the rest. */
  public static Duration requireSession(Duration d) {
    if (d.compareTo(MIN_SESSION) < 0) {
      throw new IllegalArgumentException("duration must be at least 15 minutes (the STS minimum), got " + d);
    }
    return d;
  }

  /** {@code alias}, when it is 1 to {@value #MAX_ALIAS_CHARS} characters and not blank. */
  public static String requireAlias(String alias, String what) {
    java.util.Objects.requireNonNull(alias, what);
    if (alias.isBlank() || alias.length() > MAX_ALIAS_CHARS) {
      throw new IllegalArgumentException(what + " must be 1 to " + MAX_ALIAS_CHARS + " characters");
    }
    return alias;
  }
}
