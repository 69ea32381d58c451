package dev.credbroker.server.devaws;

import java.util.Optional;

/**
 * An access key the development endpoint accepts: the broker's own long-lived key or a session it
 * minted. {@code toString} leaves the secret and session token out.
 *
 * @param principalArn the user or assumed-role ARN requests signed with it act as
 * @param session the minted session's token and expiry; empty for a long-lived key
 */
public record AccessKey(String id, String secret, String principalArn, Optional<Session> session) {

  /** How a signed request stands with the session of the key that signed it. */
  enum SessionState { NONE, VALID, WRONG_TOKEN, EXPIRED }

  /** Whether a request that sent {@code token} at {@code now} may act as this key's session. */
  SessionState session(String token, java.time.Instant now) {
    if (session.isEmpty()) {
      return SessionState.NONE;
    }
    Session s = session.get();
    if (!java.security.MessageDigest.isEqual(
        s.token().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        token.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      return SessionState.WRONG_TOKEN;
    }
    return now.isBefore(s.expiration()) ? SessionState.VALID : SessionState.EXPIRED;
  }

  /**
   * A minted session: its token, when it stops being accepted, and what IAM conditions see of
   * it ({@code aws:TokenIssueTime}, {@code aws:SourceIdentity}).
   */
  public record Session(String token, java.time.Instant expiration, java.time.Instant issuedAt,
      Optional<String> sourceIdentity) {
    @Override
    public String toString() {
      return "Session[token=<redacted>, expiration=" + expiration + ", issuedAt=" + issuedAt
          + ", sourceIdentity=" + sourceIdentity + "]";
    }
  }

  @Override
  public String toString() {
    return "AccessKey[id=" + id + ", secret=<redacted>, principalArn=" + principalArn + "]";
  }
}
