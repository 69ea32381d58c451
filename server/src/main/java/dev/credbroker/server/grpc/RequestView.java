package dev.credbroker.server.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;

/**
 * A call whose requests arrive as {@link ParsedRequest}s, as its handler expects it: typed by the
 * method's own message. Only {@link #getMethodDescriptor()} mentions the request type, and it
 * answers with the method's own descriptor, so the cast in {@link #delegate()} cannot leak.
 */
final class RequestView<Q, R> extends ForwardingServerCall<Q, R> {
  private final ServerCall<ParsedRequest<Q>, R> call;
  private final MethodDescriptor<Q, R> method;

  RequestView(ServerCall<ParsedRequest<Q>, R> call, MethodDescriptor<Q, R> method) {
    this.call = call;
    this.method = method;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected ServerCall<Q, R> delegate() {
    return (ServerCall<Q, R>) (ServerCall<?, R>) call;
  }

  @Override
  public MethodDescriptor<Q, R> getMethodDescriptor() {
    return method;
  }
}
