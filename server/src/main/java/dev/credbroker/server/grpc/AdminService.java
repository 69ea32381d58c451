package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.audit.StatusCode;
import dev.credbroker.core.policy.Decision;
import dev.credbroker.core.policy.PolicyInput;
import dev.credbroker.core.policy.Target;
import dev.credbroker.core.revocation.Revocation;
import dev.credbroker.proto.v1.AdminServiceGrpc;
import dev.credbroker.proto.v1.AwsRevocation;
import dev.credbroker.proto.v1.ListRevocationsRequest;
import dev.credbroker.proto.v1.ListRevocationsResponse;
import dev.credbroker.proto.v1.RevokeRequest;
import dev.credbroker.proto.v1.RevokeResponse;
import dev.credbroker.proto.v1.UnrevokeRequest;
import dev.credbroker.proto.v1.UnrevokeResponse;
import dev.credbroker.server.auth.VerifiedIdentity;
import dev.credbroker.server.model.Outcome;
import dev.credbroker.server.revocation.IamRevocations;
import dev.credbroker.server.revocation.Revoker;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * {@code credbroker.v1.AdminService}: security teams revoke an identity, list what is revoked and
 * withdraw a revocation. Only callers whose policy grants the admin entitlement may; every call
 * is recorded like any other. Store writes and IAM calls run on {@code io}, never on a transport
 * thread.
 */
public final class AdminService extends AdminServiceGrpc.AdminServiceImplBase {
  private final Serving serving;
  private final Revoker revoker;
  private final Executor io;
  private final Clock clock;

  public AdminService(Supplier<BrokerState> state, AuditRecorder audit, Revoker revoker,
      Executor io, Clock clock) {
    this.serving = new Serving(state, audit);
    this.revoker = revoker;
    this.io = io;
    this.clock = clock;
  }

  @Override
  public void revoke(RevokeRequest request, StreamObserver<RevokeResponse> responses) {
    serving.unary(Rpc.REVOKE, CheckedRequest.of(Asked.NOTHING,
        () -> RevocationRequests.check(request, clock.instant())), (now, call, checked, id) ->
        admin(now, call, id, decision -> CompletableFuture.supplyAsync(() -> {
          Revocation r = RevocationRequests.revocation(checked, id, clock.instant(),
              revoker.longestSession());
          try {
            Revoker.Done done = revoker.revoke(r);
            RevokeResponse.Builder b = RevokeResponse.newBuilder()
                .setRevocation(RevocationRequests.proto(r));
            done.aws().forEach(a -> b.addAws(aws(a, r.id())));
            return Outcome.Allowed.by(decision, b.build(), Outcome.Handed.NOTHING)
                .withReason("revoked " + RevocationRequests.describe(r));
          } catch (IOException e) {
            return storeFailure(e, decision);
          }
        }, io)), responses);
  }

  @Override
  public void listRevocations(ListRevocationsRequest request,
      StreamObserver<ListRevocationsResponse> responses) {
    serving.unary(Rpc.LIST_REVOCATIONS, CheckedRequest.unchecked(request), (now, call, r, id) ->
        admin(now, call, id, decision -> {
          ListRevocationsResponse.Builder b = ListRevocationsResponse.newBuilder();
          revoker.list().all().forEach(v -> b.addRevocations(RevocationRequests.proto(v)));
          return CompletableFuture.completedFuture(Outcome.Allowed.by(decision, b.build(),
              Outcome.Handed.NOTHING).withReason("listed " + b.getRevocationsCount()
              + " revocations"));
        }), responses);
  }

  @Override
  public void unrevoke(UnrevokeRequest request, StreamObserver<UnrevokeResponse> responses) {
    serving.unary(Rpc.UNREVOKE, CheckedRequest.of(Asked.NOTHING,
        () -> RevocationRequests.id(request.getId())), (now, call, revocationId, id) ->
        admin(now, call, id, decision -> CompletableFuture.supplyAsync(() -> {
          try {
            Optional<Revoker.Done> done = revoker.unrevoke(revocationId);
            if (done.isEmpty()) {
              return new Outcome.Failed<UnrevokeResponse>(StatusCode.NOT_FOUND,
                  "no revocation has id " + revocationId + "; credbroker revocations lists them",
                  decision.ruleIds());
            }
            return Outcome.Allowed.by(decision, UnrevokeResponse.newBuilder()
                    .setRevocation(RevocationRequests.proto(done.get().revocation())).build(),
                Outcome.Handed.NOTHING).withReason("withdrew " + revocationId);
          } catch (IOException e) {
            return storeFailure(e, decision);
          }
        }, io)), responses);
  }

  /** The admin entitlement's decision, then {@code then}; Denied without it. */
  private <T> CompletableFuture<Outcome<T>> admin(BrokerState now, CallInfo call,
      VerifiedIdentity id, java.util.function.Function<Decision, CompletableFuture<Outcome<T>>> then) {
    Decision d = now.policy().decide(new PolicyInput(id.issuer(), id.claims(), call.peerIp(),
        clock.instant()), Target.ADMIN);
    if (!d.allowed()) {
      return CompletableFuture.completedFuture(new Outcome.Denied<>(d, Target.ADMIN));
    }
    return then.apply(d);
  }

  private static <T> Outcome<T> storeFailure(IOException e, Decision decision) {
    return new Outcome.Failed<>(StatusCode.UNAVAILABLE, "the revocation store cannot be written ("
        + e.getMessage() + "); nothing changed; retry", decision.ruleIds());
  }

  private static AwsRevocation aws(IamRevocations.Applied a, String revocationId) {
    Optional<String> why = a.failure().or(() -> a.left().stream()
        .filter(l -> l.revocationId().equals(revocationId)).map(l -> l.why()).findFirst());
    boolean applied = a.failure().isEmpty() && a.included().contains(revocationId);
    return AwsRevocation.newBuilder().setRole(a.roleAlias()).setApplied(applied)
        .setDetail(applied ? "" : why.orElse("not in scope of this role")).build();
  }
}
