package dev.credbroker.server.tls;

/** A PEM file that cannot be used; the message names the file and the fix, never key bytes. */
public final class InvalidPemException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidPemException(String message) {
    super(message);
  }
}
