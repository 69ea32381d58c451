package dev.credbroker.core.digest;

/**
 * The 16 hex digits that name one caller (issuer and subject) in its STS session names. Session
 * names carry them so that IAM can single out one caller's sessions (a revocation's {@code Deny}
 * on {@code aws:userid}) and a readable prefix from claims cannot make two callers collide.
 */
public final class CallerDigest {
  private CallerDigest() {}

  public static String of(String issuer, String subject) {
    return Sha256.shortHex(Sha256.of(issuer + "\u0000" + subject));
  }
}
