package dev.credbroker.client.internal;

import dev.credbroker.client.BrokerException;
import io.grpc.ConnectivityState;
import io.grpc.Status;
import java.time.Duration;
import java.util.Optional;

/** A gRPC status from the broker as the client's exception, with the broker's description. */
public final class Statuses {
  private Statuses() {}

  /**
   * The status of a call to {@code target} on a channel in {@code state}: a failure to reach the
   * broker is described with the target and its cause ({@link TransportFailures}), an answer from
   * the broker with the broker's description.
   */
  public static BrokerException exception(Status status, String target, ConnectivityState state,
      Duration deadline) {
    Optional<String> local = TransportFailures.describe(status, target, state, deadline);
    if (local.isEmpty()) {
      return exception(status);
    }
    return new BrokerException(reason(status), local.get(), status.getCause());
  }

  public static BrokerException exception(Status status) {
    BrokerException.Reason reason = reason(status);
    String description = status.getDescription() != null ? status.getDescription()
        : status.getCode() == Status.Code.UNAVAILABLE ? "the broker is unreachable" : status.getCode().name();
    return new BrokerException(reason, description);
  }

  private static BrokerException.Reason reason(Status status) {
    try {
      return BrokerException.Reason.valueOf(status.getCode().name());
    } catch (IllegalArgumentException notInContract) {
      return BrokerException.Reason.OTHER;
    }
  }
}
