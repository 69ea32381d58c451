package dev.credbroker.server.aws;

import com.github.benmanes.caffeine.cache.Cache;
import dev.credbroker.core.config.AwsChars;
import dev.credbroker.core.digest.CallerDigest;
import dev.credbroker.server.ops.Caches;
import java.time.Clock;

/**
 * Derives the STS RoleSessionName for a caller: readable in CloudTrail (the role's {@code
 * session_name} template over the caller's claims, else the subject; cleaned and shortened) and
 * unique (a dot and 16 hex digits of SHA-256 over issuer and subject, the {@link CallerDigest}
 * revocations match session names by), always within STS's {@code [\w+=,.@-]{2,64}}. Stable for a
 * caller, different for subjects that are long, share a prefix, or differ only in characters STS
 * does not allow. Names are remembered per caller, so a repeat request costs a map lookup instead
 * of a SHA-256 (the suite's profile of cached requests).
 */
public final class SessionNames {
  static final int READABLE_PART = 40;
  /** Callers remembered: the credential cache's default size; beyond it names are derived again. */
  static final long REMEMBERED = 10_000;

  private static final Cache<Caller, String> NAMES = Caches.newBuilder(Clock.systemUTC())
      .maximumSize(REMEMBERED).build(); // no expiry: the clock is never read

  private record Caller(String issuer, String subject, String readable) {}

  private SessionNames() {}

  /** The name that reads as the subject. */
  public static String of(String issuer, String subject) {
    return of(issuer, subject, subject);
  }

  /**
   * The name that reads as {@code readable} (a role's template over the caller's claims: any
   * text, cleaned here) and ends with the caller's digest.
   */
  public static String of(String issuer, String subject, String readable) {
    return NAMES.get(new Caller(issuer, subject, readable.isEmpty() ? subject : readable),
        c -> derive(c.issuer(), c.subject(), c.readable()));
  }

  private static String derive(String issuer, String subject, String text) {
    int n = Math.min(text.length(), READABLE_PART);
    char[] readable = new char[n];
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      readable[i] = AwsChars.isStsNameChar(c) ? c : '-';
    }
    return new String(readable) + "." + CallerDigest.of(issuer, subject);
  }
}
