package dev.credbroker.server.grpc;

import dev.credbroker.server.auth.AuthenticationException;
import dev.credbroker.server.auth.BearerToken;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses any call to the broker's own services that carries no well-formed bearer token, before
 * a handler runs. Handlers still verify the token (asynchronously, so a key fetch never blocks a
 * transport thread); this makes an RPC that forgot to fail closed, not open.
 */
final class RequireBearerInterceptor implements ServerInterceptor {

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Iterable<String> values = headers.getAll(CallInfoInterceptor.AUTHORIZATION);
    List<String> list = new ArrayList<>(1);
    if (values != null) {
      values.forEach(list::add);
    }
    try {
      BearerToken.fromAuthorization(list);
    } catch (AuthenticationException e) {
      call.close(Status.UNAUTHENTICATED.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
