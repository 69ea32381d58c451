package dev.credbroker.server.grpc;

/** The listener could not start; the message says why in one line (e.g. the port is taken). */
public final class ServerStartException extends Exception {
  private static final long serialVersionUID = 1L;

  public ServerStartException(String message) {
    super(message);
  }
}
