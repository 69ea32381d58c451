package dev.credbroker.server.aws;

import dev.credbroker.server.ops.Sha256;

/**
 * Derives the STS RoleSessionName for a caller: readable in CloudTrail (the subject, cleaned and
 * shortened) and unique (16 hex digits of SHA-256 over issuer and subject), always within STS's
 * {@code [\w+=,.@-]{2,64}}. Stable for a caller, different for subjects that are long, share a
 * prefix, or differ only in characters STS does not allow.
 */
public final class SessionNames {
  static final int READABLE_PART = 40;

  private SessionNames() {}

  public static String of(String issuer, String subject) {
    int n = Math.min(subject.length(), READABLE_PART);
    char[] readable = new char[n];
    for (int i = 0; i < n; i++) {
      char c = subject.charAt(i);
      boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || "_+=,.@-".indexOf(c) >= 0;
      readable[i] = allowed ? c : '-';
    }
    return new String(readable) + "." + Sha256.shortHex(Sha256.of(issuer + "\u0000" + subject));
  }
}
