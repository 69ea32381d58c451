package dev.credbroker.server.auth;

/**
 * A token that was not accepted. The message is safe to return to the caller: it says what is
 * wrong with the token and never contains the token or any part of it.
 */
public final class AuthenticationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why; each maps to one gRPC status and one audit reason. */
  public enum Reason {
    MISSING_TOKEN,
    MALFORMED,
    ALGORITHM_NOT_ACCEPTED,
    FORBIDDEN_HEADER,
    ISSUER_NOT_TRUSTED,
    UNKNOWN_SIGNING_KEY,
    SIGNATURE_INVALID,
    EXPIRED,
    NOT_YET_VALID,
    ISSUED_IN_FUTURE,
    TOO_OLD,
    AUDIENCE_NOT_ACCEPTED,
    WRONG_TYPE,
    MISSING_CLAIM,
    /** The issuer's keys cannot be fetched and none are usable: the caller may retry. */
    IDP_UNAVAILABLE,
    /** Too many new tokens are waiting for signature checks: the caller may retry. */
    BUSY
  }

  private final Reason reason;

  public AuthenticationException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
