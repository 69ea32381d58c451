package dev.credbroker.client.internal;

import dev.credbroker.client.BrokerException;
import java.util.Optional;

/**
 * Errors of this JVM that fail a call: a {@code NoClassDefFoundError} because the application's
 * protobuf is older than the one the unshaded client was built with, an
 * {@code ExceptionInInitializerError}, a token source that threw one. gRPC reports such an error
 * as a status (CANCELLED, INTERNAL) with the error as its cause; it is told apart here so the
 * caller learns at once what broke, instead of a deadline or a status that reads like the
 * broker's answer.
 */
public final class LocalFailures {
  private LocalFailures() {}

  /** The failure, if {@code cause} or anything on its chain is an {@link Error}. */
  public static Optional<BrokerException> in(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof Error e) {
        return Optional.of(of(e));
      }
    }
    return Optional.empty();
  }

  /**
   * The failure for {@code e}, the error as its cause. The message names a linkage error's
   * missing class; any other error only by type, since its message is not ours.
   */
  public static BrokerException of(Error e) {
    String what = e instanceof LinkageError ? e.toString() : e.getClass().getName();
    return new BrokerException(BrokerException.Reason.LOCAL_FAILURE, "a failure in this process,"
        + " not an answer from the broker: " + what + (e instanceof LinkageError
        ? " (a class missing or of another version: a dependency conflict? the shaded"
          + " credbroker-client artifact carries its own gRPC and protobuf)" : ""), e);
  }
}
