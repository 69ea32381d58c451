package dev.credbroker.server.grpc;

import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.ListEntitlementsRequest;
import dev.credbroker.proto.v1.ListEntitlementsResponse;
import dev.credbroker.proto.v1.RoleEntitlement;
import dev.credbroker.proto.v1.SecretEntitlement;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.proto.v1.WhoAmIResponse;
import dev.credbroker.server.auth.AuthenticationException;
import dev.credbroker.server.auth.BearerToken;
import dev.credbroker.server.auth.VerifiedIdentity;
import dev.credbroker.server.policy.Decision;
import dev.credbroker.server.policy.PolicyEngine;
import dev.credbroker.server.policy.PolicyInput;
import dev.credbroker.server.policy.RoleGrant;
import dev.credbroker.server.policy.Target;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@code credbroker.v1.CredentialBroker} service: converts proto to model and back, and leaves
 * every decision to the engines it is given. RPCs whose features have not landed are inherited and
 * answer UNIMPLEMENTED.
 */
public final class CredentialBrokerService extends CredentialBrokerGrpc.CredentialBrokerImplBase {
  private final Supplier<BrokerState> state;
  private final Clock clock;

  /**
   * {@code state} is read once per request, so a reloaded configuration applies to new requests
   * while requests in flight finish on the one they started with.
   */
  public CredentialBrokerService(Supplier<BrokerState> state, Clock clock) {
    this.state = state;
    this.clock = clock;
  }

  @Override
  public void listEntitlements(ListEntitlementsRequest request,
      StreamObserver<ListEntitlementsResponse> responses) {
    CallInfo call = CallInfo.current();
    BrokerState now = state.get();
    respond(call, authenticate(now, call), identity -> entitlements(now.policy(), input(identity, call)),
        responses);
  }

  private PolicyInput input(VerifiedIdentity identity, CallInfo call) {
    return new PolicyInput(identity.issuer(), identity.claims(), call.peerIp(), clock.instant());
  }

  private static ListEntitlementsResponse entitlements(PolicyEngine engine, PolicyInput in) {
    ListEntitlementsResponse.Builder b = ListEntitlementsResponse.newBuilder();
    for (Decision d : engine.entitlements(in)) {
      if (d.target().kind() == Target.Kind.ROLE) {
        RoleGrant grant = d.roleGrant().orElseThrow();
        b.addRoles(RoleEntitlement.newBuilder().setRole(d.target().alias())
            .setRoleArn(grant.roleArn()).setMaxDuration(ProtoValues.duration(grant.maxDuration()))
            .addAllRuleIds(d.ruleIds()));
      } else {
        b.addSecrets(SecretEntitlement.newBuilder().setSecret(d.target().alias())
            .setSecretId(engine.secretId(d.target().alias())).addAllRuleIds(d.ruleIds()));
      }
    }
    return b.build();
  }

  @Override
  public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> responses) {
    CallInfo call = CallInfo.current();
    respond(call, authenticate(state.get(), call), identity -> whoAmI(identity, call), responses);
  }

  private static CompletableFuture<VerifiedIdentity> authenticate(BrokerState now, CallInfo call) {
    try {
      return now.authenticator().authenticate(BearerToken.fromAuthorization(call.authorization()));
    } catch (AuthenticationException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static WhoAmIResponse whoAmI(VerifiedIdentity identity, CallInfo call) {
    WhoAmIResponse.Builder b = WhoAmIResponse.newBuilder()
        .setIssuer(identity.issuer())
        .setSubject(identity.subject())
        .setExpiration(ProtoValues.timestamp(identity.expiresAt()))
        .addAllAudiences(identity.audiences())
        .setClaims(ProtoValues.struct(identity.claims()))
        .setPeerAddress(call.peerAddress());
    identity.issuedAt().ifPresent(t -> b.setIssuedAt(ProtoValues.timestamp(t)));
    return b.build();
  }

  private static <T, R> void respond(CallInfo call, CompletableFuture<T> work,
      Function<T, R> toResponse, StreamObserver<R> responses) {
    work.thenApply(toResponse).whenComplete((response, error) -> {
      if (error != null) {
        responses.onError(StatusMapping.toStatus(error, call));
      } else {
        responses.onNext(response);
        responses.onCompleted();
      }
    });
  }
}
