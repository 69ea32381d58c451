package dev.credbroker.server.devaws;

/**
 * A request AWS would refuse, with the HTTP status, error code and message it would send. Thrown
 * inside the development endpoint only; it never carries a stack trace because it is an answer,
 * not a failure of the endpoint.
 */
public final class AwsRefusal extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  public AwsRefusal(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  /** A client error (HTTP 400) with this code. */
  static AwsRefusal invalid(String code, String message) {
    return new AwsRefusal(400, code, message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
