package dev.credbroker.server.aws;

/**
 * An AWS call that failed, classified so the caller's status follows from the kind alone. The
 * message carries the AWS error code and AWS's own message, which never contain credentials.
 */
public final class AwsCallException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What the failure means for the caller. */
  public enum Kind {
    /** AWS refused: AccessDenied and the like. */
    DENIED,
    /** The resource or the requested version does not exist (Secrets Manager ResourceNotFound). */
    NOT_FOUND,
    /** AWS rejected the request's content: ValidationError, MalformedPolicyDocument, ... */
    INVALID,
    /** The region is not enabled for the account. */
    REGION_DISABLED,
    /** Throttled even after retries. */
    THROTTLED,
    /** AWS unreachable or failing (5xx, network, timeout). */
    UNAVAILABLE
  }

  private final Kind kind;
  private final String awsCode;

  public AwsCallException(Kind kind, String awsCode, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.awsCode = awsCode;
  }

  public Kind kind() {
    return kind;
  }

  /** The AWS error code, e.g. {@code AccessDenied}; empty when AWS never answered. */
  public String awsCode() {
    return awsCode;
  }
}
