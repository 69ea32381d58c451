package dev.credbroker.server.grpc;

import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.proto.v1.WhoAmIResponse;
import dev.credbroker.server.auth.AuthenticationException;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.auth.BearerToken;
import dev.credbroker.server.auth.VerifiedIdentity;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The {@code credbroker.v1.CredentialBroker} service: converts proto to model and back, and leaves
 * every decision to the engines it is given. RPCs whose features have not landed are inherited and
 * answer UNIMPLEMENTED.
 */
public final class CredentialBrokerService extends CredentialBrokerGrpc.CredentialBrokerImplBase {
  private final Authenticator authenticator;

  public CredentialBrokerService(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> responses) {
    CallInfo call = CallInfo.current();
    respond(call, authenticate(call), identity -> whoAmI(identity, call), responses);
  }

  private CompletableFuture<VerifiedIdentity> authenticate(CallInfo call) {
    try {
      return authenticator.authenticate(BearerToken.fromAuthorization(call.authorization()));
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
