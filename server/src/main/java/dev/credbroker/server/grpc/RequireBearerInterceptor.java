package dev.credbroker.server.grpc;

import dev.credbroker.server.model.Outcome;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Optional;

/**
 * Refuses any call to the broker's own services that carries no well-formed bearer token, before
 * a handler runs, and records the refusal. Handlers still verify the token (asynchronously, so a
 * key fetch never blocks a transport thread); this makes an RPC that forgot to fail closed, not
 * open.
 */
final class RequireBearerInterceptor implements ServerInterceptor {
  private final Optional<AuditRecorder> audit;

  RequireBearerInterceptor(Optional<AuditRecorder> audit) {
    this.audit = audit;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    CallInfo info = CallInfo.current(); // set by CallInfoInterceptor, which runs first
    if (info.bearerProblem() == null) {
      return next.startCall(call, headers);
    }
    Outcome<?> refused = new Outcome.Unauthenticated<>(info.bearerProblem().getMessage());
    if (audit.isEmpty()) {
      call.close(StatusMapping.refusal(refused), new Metadata());
    } else {
      audit.get().refuse(call, info, Rpcs.of(call.getMethodDescriptor()), refused);
    }
    return new ServerCall.Listener<>() {};
  }
}
