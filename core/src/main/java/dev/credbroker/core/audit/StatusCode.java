package dev.credbroker.core.audit;

import java.util.Optional;

/**
 * The gRPC status code a caller received, as an audit record holds it. Core reads no gRPC, so the
 * codes are listed here with the names records carry (gRPC's own names, docs/audit.md); the
 * server maps gRPC's codes onto these one by one.
 */
public enum StatusCode {
  OK("OK"),
  CANCELLED("CANCELLED"),
  UNKNOWN("UNKNOWN"),
  INVALID_ARGUMENT("INVALID_ARGUMENT"),
  DEADLINE_EXCEEDED("DEADLINE_EXCEEDED"),
  NOT_FOUND("NOT_FOUND"),
  ALREADY_EXISTS("ALREADY_EXISTS"),
  PERMISSION_DENIED("PERMISSION_DENIED"),
  RESOURCE_EXHAUSTED("RESOURCE_EXHAUSTED"),
  FAILED_PRECONDITION("FAILED_PRECONDITION"),
  ABORTED("ABORTED"),
  OUT_OF_RANGE("OUT_OF_RANGE"),
  UNIMPLEMENTED("UNIMPLEMENTED"),
  INTERNAL("INTERNAL"),
  UNAVAILABLE("UNAVAILABLE"),
  DATA_LOSS("DATA_LOSS"),
  UNAUTHENTICATED("UNAUTHENTICATED");

  private final String wireName;

  StatusCode(String wireName) {
    this.wireName = wireName;
  }

  /** The name as records hold it, e.g. {@code PERMISSION_DENIED}. */
  public String wireName() {
    return wireName;
  }

  /** The constant a record's {@code status} text stands for, if any. */
  public static Optional<StatusCode> fromWire(String name) {
    return WireNames.find(values(), StatusCode::wireName, name);
  }
}
