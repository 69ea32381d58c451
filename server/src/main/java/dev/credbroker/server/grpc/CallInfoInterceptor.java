package dev.credbroker.server.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Captures {@link CallInfo} for every call and returns the request id as {@code x-request-id}. */
final class CallInfoInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Iterable<String> values = headers.getAll(AUTHORIZATION);
    List<String> authorization = new ArrayList<>(1);
    if (values != null) {
      values.forEach(authorization::add);
    }
    String requestId = newRequestId();
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    java.util.Optional<java.net.InetAddress> ip = remote instanceof InetSocketAddress inet
        ? java.util.Optional.ofNullable(inet.getAddress()) : java.util.Optional.empty();
    CallInfo info = CallInfo.of(authorization, peer(remote), ip, requestId);
    ServerCall<Q, R> withId = new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendHeaders(Metadata responseHeaders) {
        responseHeaders.put(REQUEST_ID, requestId);
        super.sendHeaders(responseHeaders);
      }
    };
    return Contexts.interceptCall(Context.current().withValue(CallInfo.KEY, info), withId, headers, next);
  }

  private static String peer(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return address == null ? "unknown" : address.toString();
  }

  /** 128 random bits as hex: unique enough to correlate, cheap enough for every call. */
  private static String newRequestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[32];
    long[] halves = {r.nextLong(), r.nextLong()};
    for (int h = 0; h < 2; h++) {
      for (int i = 15; i >= 0; i--) {
        out[h * 16 + i] = Character.forDigit((int) (halves[h] & 0xf), 16);
        halves[h] >>>= 4;
      }
    }
    return new String(out);
  }
}
