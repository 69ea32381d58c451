package dev.credbroker.bench.load;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.function.IntFunction;

/** The calls a load run makes: one asynchronous call per invocation, for a given caller slot. */
@FunctionalInterface
public interface CallSource {

  /**
   * Starts one call for caller {@code slot} (0 to concurrency - 1) on {@code channel}; exactly one
   * {@code done.ended(...)} follows, on whatever thread the call ends on.
   */
  void start(Channel channel, int slot, Completion done);

  /** How a call ended. */
  @FunctionalInterface
  interface Completion {
    void ended(Status status);
  }

  /**
   * Unary calls of {@code method}: the request and the call options (for example the caller's
   * bearer token) may differ per slot.
   */
  static <Q, R> CallSource unary(MethodDescriptor<Q, R> method, IntFunction<Q> request,
      IntFunction<CallOptions> options) {
    return (channel, slot, done) -> ClientCalls.asyncUnaryCall(
        channel.newCall(method, options.apply(slot)), request.apply(slot), new StreamObserver<R>() {
          @Override
          public void onNext(R value) {}

          @Override
          public void onError(Throwable t) {
            done.ended(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            done.ended(Status.OK);
          }
        });
  }
}
