package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.Rpc;
import dev.credbroker.server.auth.VerifiedIdentity;
import dev.credbroker.server.limits.RateLimitedException;
import dev.credbroker.server.model.Outcome;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How every call of the broker's own services runs: request checked, caller authenticated, the
 * RPC's handler run, its outcome recorded, and only then the answer sent, from the call's own
 * network thread (where the audit log completes the record's future). One path for every RPC, so
 * none can answer unrecorded or record differently.
 */
final class Serving {
  /** An RPC's own work, once its request is checked and its caller verified. */
  @FunctionalInterface
  interface Handler<A, T> {
    CompletableFuture<Outcome<T>> handle(BrokerState now, CallInfo call, A args,
        VerifiedIdentity caller);
  }

  private final Supplier<BrokerState> state;
  private final AuditRecorder audit;

  /**
   * {@code state} is read once per call, so a reloaded configuration applies to new calls while
   * calls in flight finish on the one they started with.
   */
  Serving(Supplier<BrokerState> state, AuditRecorder audit) {
    this.state = state;
    this.audit = audit;
  }

  /** A unary call: an allowed outcome's value is its one response. */
  <A, R> void unary(Rpc rpc, CheckedRequest<A> request, Handler<A, R> handler,
      StreamObserver<R> responses) {
    serve(rpc, request, handler, response -> {
      responses.onNext(response);
      responses.onCompleted();
    }, responses);
  }

  /** Any call: {@code answer} sends an allowed outcome's value; refusals go to {@code responses}. */
  <A, T> void serve(Rpc rpc, CheckedRequest<A> request, Handler<A, T> handler, Consumer<T> answer,
      StreamObserver<?> responses) {
    CallInfo call = CallInfo.current();
    ended(state.get(), call, rpc, request, handler).thenAccept(end ->
        audit.record(call, rpc, request.asked(), end.caller(), end.outcome())
            .whenComplete((written, auditError) -> {
              if (auditError != null) { // fail closed: nothing leaves unrecorded
                responses.onError(StatusMapping.toStatus(auditError, call).asRuntimeException());
              } else if (end.outcome() instanceof Outcome.Allowed<T> allowed) {
                answer.accept(allowed.value());
              } else {
                responses.onError(StatusMapping.refusalException(end.outcome()));
              }
            }));
  }

  /** An outcome, and the caller it was reached for, if the token was verified. */
  private record Ended<T>(Optional<VerifiedIdentity> caller, Outcome<T> outcome) {}

  private static <A, T> CompletableFuture<Ended<T>> ended(BrokerState now, CallInfo call,
      Rpc rpc, CheckedRequest<A> request, Handler<A, T> handler) {
    if (request instanceof CheckedRequest.Invalid<A> invalid) {
      return CompletableFuture.completedFuture(
          new Ended<>(Optional.empty(), StatusMapping.outcome(invalid.problem(), call)));
    }
    A args = ((CheckedRequest.Valid<A>) request).args();
    CompletableFuture<VerifiedIdentity> verified = call.bearerProblem() != null
        ? CompletableFuture.failedFuture(call.bearerProblem())
        : now.authenticator().authenticate(call.bearer().reveal());
    if (verified.isDone() && !verified.isCompletedExceptionally()) {
      return handled(now, call, rpc, request.asked(), args, verified.join(), handler); // no stage
    }
    return verified.thenCompose(id -> handled(now, call, rpc, request.asked(), args, id, handler))
        .exceptionally(error -> new Ended<>(Optional.empty(), StatusMapping.outcome(error, call)));
  }

  /**
   * The handler's outcome, unless the caller is revoked or over its rate limit; whatever the
   * handler throws or fails with becomes a Failed (or Limited) outcome.
   */
  private static <A, T> CompletableFuture<Ended<T>> handled(BrokerState now, CallInfo call,
      Rpc rpc, Asked asked, A args, VerifiedIdentity id, Handler<A, T> handler) {
    Optional<VerifiedIdentity> caller = Optional.of(id);
    Optional<Outcome<T>> refused = Revoking.refusal(now.revocations(), rpc, asked, id);
    if (refused.isPresent()) {
      return CompletableFuture.completedFuture(new Ended<>(caller, refused.get()));
    }
    try {
      now.limits().call(id.issuer(), id.subject());
    } catch (RateLimitedException limited) {
      return CompletableFuture.completedFuture(new Ended<>(caller, Outcome.Limited.of(limited)));
    }
    CompletableFuture<Outcome<T>> work;
    try {
      work = handler.handle(now, call, args, id);
    } catch (RuntimeException e) {
      work = CompletableFuture.failedFuture(e);
    }
    if (work.isDone() && !work.isCompletedExceptionally()) {
      return CompletableFuture.completedFuture(new Ended<>(caller, work.join()));
    }
    return work.handle((outcome, error) -> new Ended<>(caller,
        error == null ? outcome : StatusMapping.outcome(error, call)));
  }
}
