package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.StatusCode;
import io.grpc.Status;

/**
 * gRPC's status codes and the audit record's, one to one. Core reads no gRPC, so records name
 * codes with their own enum; both switches list every constant, so a code added on either side
 * fails to compile here rather than being recorded wrongly.
 */
final class StatusCodes {
  private StatusCodes() {}

  /** gRPC's code as records name it; spelled out, so either list changing fails to compile. */
  static StatusCode of(Status.Code code) {
    return switch (code) {
      case OK -> StatusCode.OK;
      case CANCELLED -> StatusCode.CANCELLED;
      case UNKNOWN -> StatusCode.UNKNOWN;
      case INVALID_ARGUMENT -> StatusCode.INVALID_ARGUMENT;
      case DEADLINE_EXCEEDED -> StatusCode.DEADLINE_EXCEEDED;
      case NOT_FOUND -> StatusCode.NOT_FOUND;
      case ALREADY_EXISTS -> StatusCode.ALREADY_EXISTS;
      case PERMISSION_DENIED -> StatusCode.PERMISSION_DENIED;
      case RESOURCE_EXHAUSTED -> StatusCode.RESOURCE_EXHAUSTED;
      case FAILED_PRECONDITION -> StatusCode.FAILED_PRECONDITION;
      case ABORTED -> StatusCode.ABORTED;
      case OUT_OF_RANGE -> StatusCode.OUT_OF_RANGE;
      case UNIMPLEMENTED -> StatusCode.UNIMPLEMENTED;
      case INTERNAL -> StatusCode.INTERNAL;
      case UNAVAILABLE -> StatusCode.UNAVAILABLE;
      case DATA_LOSS -> StatusCode.DATA_LOSS;
      case UNAUTHENTICATED -> StatusCode.UNAUTHENTICATED;
    };
  }

  /** The other way round. */
  static Status.Code of(StatusCode code) {
    return switch (code) {
      case OK -> Status.Code.OK;
      case CANCELLED -> Status.Code.CANCELLED;
      case UNKNOWN -> Status.Code.UNKNOWN;
      case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
      case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
      case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
      case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
      case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
      case ABORTED -> Status.Code.ABORTED;
      case OUT_OF_RANGE -> Status.Code.OUT_OF_RANGE;
      case UNIMPLEMENTED -> Status.Code.UNIMPLEMENTED;
      case INTERNAL -> Status.Code.INTERNAL;
      case UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case DATA_LOSS -> Status.Code.DATA_LOSS;
      case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
    };
  }
}
