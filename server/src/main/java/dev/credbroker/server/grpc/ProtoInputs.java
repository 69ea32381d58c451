package dev.credbroker.server.grpc;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * Caller-supplied protobuf durations and timestamps as {@code java.time} values, range-checked
 * before any arithmetic: a value outside the range its {@code .proto} defines, nanos out of range
 * or with the other sign than seconds is INVALID_ARGUMENT, never an {@link ArithmeticException}
 * (which {@code Duration.ofSeconds(Long.MAX_VALUE, 2_000_000_000)} throws).
 */
final class ProtoInputs {
  /** google/protobuf/duration.proto: "approximately +-10,000 years". */
  static final long MAX_DURATION_SECONDS = 315_576_000_000L;
  /** google/protobuf/timestamp.proto: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. */
  static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L;
  static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;
  static final int MAX_NANOS = 999_999_999;

  private ProtoInputs() {}

  static Duration duration(com.google.protobuf.Duration d, String field) {
    long seconds = d.getSeconds();
    int nanos = d.getNanos();
    if (seconds < -MAX_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS
        || nanos < -MAX_NANOS || nanos > MAX_NANOS
        || (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
      throw invalid(field + " is not a valid google.protobuf.Duration: seconds must be within +-"
          + MAX_DURATION_SECONDS + " and nanos within +-" + MAX_NANOS + ", of the same sign");
    }
    return Duration.ofSeconds(seconds, nanos);
  }

  static Instant timestamp(Timestamp t, String field) {
    if (t.getSeconds() < MIN_TIMESTAMP_SECONDS || t.getSeconds() > MAX_TIMESTAMP_SECONDS
        || t.getNanos() < 0 || t.getNanos() > MAX_NANOS) {
      throw invalid(field + " is not a valid google.protobuf.Timestamp: it must lie from"
          + " 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, with nanos 0 to " + MAX_NANOS);
    }
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static StatusRuntimeException invalid(String why) {
    return Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException();
  }
}
