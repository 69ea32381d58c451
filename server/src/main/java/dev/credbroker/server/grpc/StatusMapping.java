package dev.credbroker.server.grpc;

import dev.credbroker.server.audit.AuditUnavailableException;
import dev.credbroker.server.auth.AuthenticationException;
import dev.credbroker.server.aws.AwsCallException;
import dev.credbroker.server.limits.RateLimitedException;
import dev.credbroker.server.model.Outcome;
import dev.credbroker.server.ops.Futures;
import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one table from failures to gRPC statuses, and from outcomes to the status a refused caller
 * receives. Caller mistakes never become INTERNAL; INTERNAL is reserved for broker bugs, which are
 * logged with the request id and reported to the caller without detail.
 */
final class StatusMapping {
  private static final Logger log = LoggerFactory.getLogger(StatusMapping.class);

  /**
   * Descriptions may quote what the caller sent (an alias, an AWS message naming a parameter);
   * bounded, so the trailers stay far below the 8 KiB of metadata gRPC clients accept by default
   * (each non-ASCII byte is sent as three characters).
   */
  static final int MAX_DESCRIPTION_CHARS = 400;

  private StatusMapping() {}

  /**
   * The outcome of a call that ended with {@code error}: Unauthenticated for a token that was not
   * accepted, else Failed with the status this table gives it.
   */
  static <T> Outcome<T> outcome(Throwable error, CallInfo call) {
    if (Futures.cause(error) instanceof RateLimitedException limited) {
      return Outcome.Limited.of(limited);
    }
    Status status = toStatus(error, call);
    String description = status.getDescription() == null ? "" : status.getDescription();
    if (status.getCode() == Status.Code.UNAUTHENTICATED
        && Futures.cause(error) instanceof AuthenticationException) {
      return new Outcome.Unauthenticated<>(description);
    }
    return new Outcome.Failed<>(StatusCodes.of(status.getCode()), description);
  }

  /**
   * What a caller whose call was not allowed receives, as the exception to close the call with: a
   * rate-limited call's carries a {@code google.rpc.RetryInfo} with its retry delay in the status
   * details ({@code grpc-status-details-bin}), which gRPC clients read with
   * {@code StatusProto.fromThrowable}.
   */
  static StatusRuntimeException refusalException(Outcome<?> outcome) {
    if (outcome instanceof Outcome.Limited<?> limited) {
      Status status = refusal(outcome);
      long millis = limited.retryAfter().toMillis();
      RetryInfo retry = RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration
          .newBuilder().setSeconds(millis / 1000).setNanos((int) (millis % 1000) * 1_000_000))
          .build();
      return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
          .setCode(status.getCode().value()).setMessage(status.getDescription())
          .addDetails(Any.pack(retry)).build());
    }
    return refusal(outcome).asRuntimeException();
  }

  /** What a caller whose call was not allowed receives. */
  static Status refusal(Outcome<?> outcome) {
    if (outcome instanceof Outcome.Limited<?> limited) {
      return bounded(Status.RESOURCE_EXHAUSTED.withDescription(limited.description()));
    }
    if (outcome instanceof Outcome.Denied<?> denied) {
      // Names only what the caller asked for, identically for an alias that does not exist and
      // one it may not use; the decision, with the real reason, is for the record.
      return bounded(Status.PERMISSION_DENIED.withDescription("not entitled to " + denied.asked()));
    }
    if (outcome instanceof Outcome.Revoked<?>) {
      return Status.PERMISSION_DENIED.withDescription("revoked");
    }
    if (outcome instanceof Outcome.Unauthenticated<?> refused) {
      return bounded(Status.UNAUTHENTICATED.withDescription(refused.reason()));
    }
    if (outcome instanceof Outcome.Failed<?> failed) {
      return bounded(StatusCodes.of(failed.status()).toStatus()
          .withDescription(failed.description().isEmpty() ? null : failed.description()));
    }
    throw new IllegalArgumentException("an allowed call is answered, not refused");
  }

  /** The status for {@code error}, its description bounded. */
  static Status toStatus(Throwable error, CallInfo call) {
    return bounded(mapped(error, call));
  }

  private static Status bounded(Status mapped) {
    String description = mapped.getDescription();
    if (description == null || (description.length() <= MAX_DESCRIPTION_CHARS
        && description.chars().noneMatch(Character::isISOControl))) {
      return mapped;
    }
    StringBuilder bounded = new StringBuilder(MAX_DESCRIPTION_CHARS + 3);
    for (int i = 0; i < description.length() && i < MAX_DESCRIPTION_CHARS; i++) {
      char c = description.charAt(i);
      bounded.append(Character.isISOControl(c) ? '?' : c);
    }
    if (description.length() > MAX_DESCRIPTION_CHARS) {
      bounded.append("...");
    }
    return mapped.withDescription(bounded.toString());
  }

  private static Status mapped(Throwable error, CallInfo call) {
    Throwable cause = Futures.cause(error);
    if (cause instanceof AuthenticationException auth) {
      Status status = switch (auth.reason()) {
        case IDP_UNAVAILABLE, BUSY -> Status.UNAVAILABLE;
        default -> Status.UNAUTHENTICATED;
      };
      return status.withDescription(auth.getMessage());
    }
    if (cause instanceof AwsCallException aws) {
      return switch (aws.kind()) {
        case DENIED -> Status.PERMISSION_DENIED.withDescription("AWS refused the request: "
            + aws.getMessage());
        case NOT_FOUND -> Status.NOT_FOUND.withDescription("AWS has no such resource or version: "
            + aws.getMessage());
        case INVALID, REGION_DISABLED -> Status.FAILED_PRECONDITION.withDescription(
            "AWS rejected the request: " + aws.getMessage());
        case THROTTLED, UNAVAILABLE -> Status.UNAVAILABLE.withDescription(
            "AWS is unavailable and nothing valid is cached; retry with backoff ("
                + aws.getMessage() + ")");
      };
    }
    if (cause instanceof AuditUnavailableException) {
      return Status.UNAVAILABLE.withDescription("the broker cannot write its audit log, so it"
          + " refuses every decision; nothing was issued. Retry later");
    }
    if (cause instanceof RateLimitedException limited) {
      return Status.RESOURCE_EXHAUSTED.withDescription(limited.getMessage());
    }
    if (cause instanceof StatusRuntimeException s) {
      return s.getStatus();
    }
    log.error("request {} failed unexpectedly", call.requestId(), cause);
    return Status.INTERNAL
        .withDescription("internal error; quote request id " + call.requestId() + " to the operator");
  }
}
