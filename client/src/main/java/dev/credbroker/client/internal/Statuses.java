package dev.credbroker.client.internal;

import dev.credbroker.client.BrokerException;
import io.grpc.Status;

/** A gRPC status from the broker as the client's exception, with the broker's description. */
public final class Statuses {
  private Statuses() {}

  public static BrokerException exception(Status status) {
    BrokerException.Reason reason;
    try {
      reason = BrokerException.Reason.valueOf(status.getCode().name());
    } catch (IllegalArgumentException notInContract) {
      reason = BrokerException.Reason.OTHER;
    }
    String description = status.getDescription() != null ? status.getDescription()
        : status.getCode() == Status.Code.UNAVAILABLE ? "the broker is unreachable" : status.getCode().name();
    return new BrokerException(reason, description);
  }
}
