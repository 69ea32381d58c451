package dev.credbroker.server.grpc;

import dev.credbroker.server.model.Outcome;
import dev.credbroker.server.ops.LogLimiter;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a call whose request body is not its method's message: INVALID_ARGUMENT (or
 * RESOURCE_EXHAUSTED for a body that would decompress past the size limit) with a description
 * that says so, one audit record (decision {@code error}) for the broker's own services, and at
 * most one short warning per method and cause per {@link #LOG_INTERVAL}, never a stack trace: a
 * client can send such bodies as fast as it likes, without a token.
 */
final class MalformedRequests {
  static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
  private static final Logger log = LoggerFactory.getLogger(MalformedRequests.class);

  private final Optional<AuditRecorder> audit;
  private final LogLimiter limiter;

  private MalformedRequests(Optional<AuditRecorder> audit, LogLimiter limiter) {
    this.audit = audit;
    this.limiter = limiter;
  }

  /** Records refusals in {@code audit} when present. */
  static MalformedRequests create(Optional<AuditRecorder> audit, Clock clock) {
    return new MalformedRequests(audit, new LogLimiter(clock, LOG_INTERVAL));
  }

  /** The same answers and log, without audit records: for health and reflection. */
  MalformedRequests unaudited() {
    return new MalformedRequests(Optional.empty(), limiter);
  }

  void refuse(ServerCall<?, ?> call, Optional<CallInfo> info, ParsedRequest.Malformed<?> body) {
    String rpc = call.getMethodDescriptor().getBareMethodName();
    Outcome<?> refused = new Outcome.Failed<>(StatusCodes.of(body.code()),
        body.code() == io.grpc.Status.Code.RESOURCE_EXHAUSTED ? body.problem()
            : "request body is not a valid " + rpc + " request: " + body.problem());
    limiter.admit(rpc + ": " + body.problem()).ifPresent(held -> log.warn(
        "refused a malformed {} request (request id {}): {}{}", rpc,
        info.map(CallInfo::requestId).orElse("none"), body.problem(),
        held == 0 ? "" : "; " + held + " more like it since the last report"));
    if (audit.isPresent() && info.isPresent()) {
      audit.get().refuse(call, info.get(), Rpcs.of(call.getMethodDescriptor()), refused);
    } else {
      call.close(StatusMapping.refusal(refused), new Metadata());
    }
  }
}
