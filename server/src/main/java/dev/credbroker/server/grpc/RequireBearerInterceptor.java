package dev.credbroker.server.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Refuses any call to the broker's own services that carries no well-formed bearer token, before
 * a handler runs. Handlers still verify the token (asynchronously, so a key fetch never blocks a
 * transport thread); this makes an RPC that forgot to fail closed, not open.
 */
final class RequireBearerInterceptor implements ServerInterceptor {

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    CallInfo info = CallInfo.current(); // set by CallInfoInterceptor, which runs first
    if (info.bearerProblem() != null) {
      call.close(Status.UNAUTHENTICATED.withDescription(info.bearerProblem().getMessage()),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
