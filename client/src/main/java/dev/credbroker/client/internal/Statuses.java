package dev.credbroker.client.internal;

import dev.credbroker.client.BrokerException;
import dev.credbroker.client.token.TokenException;
import io.grpc.ConnectivityState;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.Optional;

/**
 * A gRPC status as the client's exception, with the broker's description. Which statuses are
 * retried is decided elsewhere and documented in docs/client.md ("Retries"): gRPC retries
 * UNAVAILABLE ({@link BrokerChannels#serviceConfig}); a token failure made on this side
 * ({@link dev.credbroker.client.token.TokenUnavailableException}) is UNAUTHENTICATED with that
 * exception as the cause, so it is never retried and the caller can find it by type.
 */
public final class Statuses {
  private Statuses() {}

  /**
   * The status of a call to {@code target} on a channel in {@code state}: a failure to reach the
   * broker is described with the target and its cause ({@link TransportFailures}), an answer from
   * the broker with the broker's description.
   */
  public static BrokerException exception(Status status, String target, ConnectivityState state,
      Duration deadline) {
    Optional<BrokerException> failedHere = LocalFailures.in(status.getCause());
    if (failedHere.isPresent()) {
      return failedHere.get();
    }
    Optional<String> local = TransportFailures.describe(status, target, state, deadline);
    if (local.isEmpty()) {
      return exception(status);
    }
    return new BrokerException(reason(status), local.get(), status.getCause());
  }

  /**
   * As {@link #exception(Status, String, ConnectivityState, Duration)}, keeping the retry delay a
   * rate-limited call's {@code google.rpc.RetryInfo} asks for, so retries wait at least that long.
   */
  public static BrokerException exception(StatusRuntimeException e, String target,
      ConnectivityState state, Duration deadline) {
    BrokerException plain = exception(e.getStatus(), target, state, deadline);
    Optional<Duration> delay = retryDelay(e);
    if (delay.isEmpty()) {
      return plain;
    }
    return new BrokerException(plain.reason(), e.getStatus().getDescription() == null
        ? e.getStatus().getCode().name() : e.getStatus().getDescription(), plain.getCause(),
        delay.get());
  }

  /** The delay of the first {@code RetryInfo} in the status details, if any. */
  static Optional<Duration> retryDelay(StatusRuntimeException e) {
    com.google.rpc.Status details;
    try {
      details = StatusProto.fromThrowable(e);
    } catch (RuntimeException unreadable) { // details a proxy mangled, or of another code
      return Optional.empty();
    }
    if (details == null) {
      return Optional.empty();
    }
    for (Any detail : details.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration d = detail.unpack(RetryInfo.class).getRetryDelay();
          return Optional.of(Duration.ofSeconds(Math.max(0, d.getSeconds()),
              Math.max(0, d.getNanos())));
        } catch (InvalidProtocolBufferException malformed) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  public static BrokerException exception(Status status) {
    Optional<BrokerException> failedHere = LocalFailures.in(status.getCause());
    if (failedHere.isPresent()) {
      return failedHere.get();
    }
    BrokerException.Reason reason = reason(status);
    String description = status.getDescription() != null ? status.getDescription()
        : status.getCode() == Status.Code.UNAVAILABLE ? "the broker is unreachable" : status.getCode().name();
    // A token failure keeps its type as the cause: callers and the CLI find it by instanceof.
    Throwable token = status.getCause() instanceof TokenException t ? t : null;
    return new BrokerException(reason, description, token);
  }

  private static BrokerException.Reason reason(Status status) {
    try {
      return BrokerException.Reason.valueOf(status.getCode().name());
    } catch (IllegalArgumentException notInContract) {
      return BrokerException.Reason.OTHER;
    }
  }
}
