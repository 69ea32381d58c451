package dev.credbroker.server.grpc;

import dev.credbroker.core.policy.NotEntitledException;
import dev.credbroker.server.audit.AuditUnavailableException;
import dev.credbroker.server.auth.AuthenticationException;
import dev.credbroker.server.aws.AwsCallException;
import dev.credbroker.server.cache.ForceRefreshLimitedException;
import dev.credbroker.server.ops.Futures;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one table from failures to gRPC statuses. Caller mistakes never become INTERNAL; INTERNAL is
 * reserved for broker bugs, which are logged with the request id and reported to the caller
 * without detail.
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

  static StatusRuntimeException toStatus(Throwable error, CallInfo call) {
    StatusRuntimeException mapped = mapped(error, call);
    String description = mapped.getStatus().getDescription();
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
    return mapped.getStatus().withDescription(bounded.toString()).asRuntimeException();
  }

  private static StatusRuntimeException mapped(Throwable error, CallInfo call) {
    Throwable cause = Futures.cause(error);
    if (cause instanceof AuthenticationException auth) {
      Status status = switch (auth.reason()) {
        case IDP_UNAVAILABLE, BUSY -> Status.UNAVAILABLE;
        default -> Status.UNAUTHENTICATED;
      };
      return status.withDescription(auth.getMessage()).asRuntimeException();
    }
    if (cause instanceof NotEntitledException denied) {
      return Status.PERMISSION_DENIED.withDescription(denied.getMessage()).asRuntimeException();
    }
    if (cause instanceof AwsCallException aws) {
      Status status = switch (aws.kind()) {
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
      return status.asRuntimeException();
    }
    if (cause instanceof AuditUnavailableException) {
      return Status.UNAVAILABLE.withDescription("the broker cannot write its audit log, so it"
          + " refuses every decision; nothing was issued. Retry later").asRuntimeException();
    }
    if (cause instanceof ForceRefreshLimitedException limited) {
      return Status.RESOURCE_EXHAUSTED.withDescription(limited.getMessage()).asRuntimeException();
    }
    if (cause instanceof StatusRuntimeException s) {
      return s;
    }
    log.error("request {} failed unexpectedly", call.requestId(), cause);
    return Status.INTERNAL
        .withDescription("internal error; quote request id " + call.requestId() + " to the operator")
        .asRuntimeException();
  }
}
