package dev.credbroker.server.audit;

/** A record could not be written, so the decision it describes must not take effect. */
public final class AuditUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public AuditUnavailableException(String message) {
    super(message, null, false, false);
  }
}
