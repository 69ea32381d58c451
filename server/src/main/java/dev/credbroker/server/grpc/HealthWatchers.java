package dev.credbroker.server.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ends open {@code Health/Watch} streams when the broker stops. Load balancers and gRPC's
 * client-side health checking hold Watch streams open indefinitely; without this, each one would
 * keep a graceful stop waiting for the full grace period.
 */
final class HealthWatchers implements ServerInterceptor {
  private final Set<ClosableCall<?, ?>> open = ConcurrentHashMap.newKeySet();

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!call.getMethodDescriptor().getFullMethodName().equals(
        HealthGrpc.getWatchMethod().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    ClosableCall<Q, R> tracked = new ClosableCall<>(call);
    open.add(tracked);
    return new SimpleForwardingServerCallListener<>(next.startCall(tracked, headers)) {
      @Override
      public void onCancel() {
        open.remove(tracked);
        super.onCancel();
      }

      @Override
      public void onComplete() {
        open.remove(tracked);
        super.onComplete();
      }
    };
  }

  /** Closes every open Watch stream with UNAVAILABLE, telling watchers to go elsewhere. */
  void closeAll() {
    for (ClosableCall<?, ?> call : open) {
      call.close(Status.UNAVAILABLE.withDescription("server is shutting down"), new Metadata());
    }
    open.clear();
  }

  /** Serialises access so the health service and {@link #closeAll} never race on the call. */
  private static final class ClosableCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
    private boolean closed;

    ClosableCall(ServerCall<Q, R> delegate) {
      super(delegate);
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        super.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(R message) {
      if (!closed) {
        super.sendMessage(message);
      }
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        super.close(status, trailers);
      }
    }
  }
}
