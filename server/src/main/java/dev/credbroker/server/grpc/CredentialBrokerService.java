package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.limits.Limits;
import dev.credbroker.core.policy.Decision;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.core.policy.PolicyInput;
import dev.credbroker.core.policy.RoleGrant;
import dev.credbroker.core.policy.Target;
import dev.credbroker.proto.v1.AwsCredentials;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.proto.v1.ListEntitlementsRequest;
import dev.credbroker.proto.v1.ListEntitlementsResponse;
import dev.credbroker.proto.v1.RoleEntitlement;
import dev.credbroker.proto.v1.SecretEntitlement;
import dev.credbroker.proto.v1.SecretValue;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.proto.v1.WhoAmIResponse;
import dev.credbroker.server.auth.VerifiedIdentity;
import dev.credbroker.server.cache.CredentialVendor;
import dev.credbroker.server.cache.SecretVendor;
import dev.credbroker.server.model.Outcome;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The {@code credbroker.v1.CredentialBroker} service: converts proto to model and back, and leaves
 * every decision to the engines it is given.
 */
public final class CredentialBrokerService extends CredentialBrokerGrpc.CredentialBrokerImplBase {
  static final int MAX_ALIAS_CHARS = Limits.MAX_ALIAS_CHARS;
  static final Duration MIN_DURATION = Limits.MIN_SESSION;
  /** Secrets Manager's limits (GetSecretValue API reference). */
  static final int MIN_VERSION_ID = 32;
  static final int MAX_VERSION_ID = 64;
  static final int MAX_VERSION_STAGE = 256;

  private final CredentialVendor vendor;
  private final SecretVendor secrets;
  private final String region;
  private final Clock clock;
  private final Serving serving;

  /**
   * {@code state} is read once per request, so a reloaded configuration applies to new requests
   * while requests in flight finish on the one they started with. {@code region} is reported to
   * callers with their credentials. Every call is recorded in {@code audit} before it is answered.
   */
  public CredentialBrokerService(Supplier<BrokerState> state, CredentialVendor vendor,
      SecretVendor secrets, String region, Clock clock, AuditRecorder audit) {
    this.vendor = vendor;
    this.secrets = secrets;
    this.region = region;
    this.clock = clock;
    this.serving = new Serving(state, audit);
  }

  /** A role's alias and the duration asked for, once checked. */
  private record RoleRequest(String alias, Optional<Duration> duration) {}

  @Override
  public void getAwsCredentials(GetAwsCredentialsRequest request,
      StreamObserver<AwsCredentials> responses) {
    serving.unary(Rpc.GET_AWS_CREDENTIALS, roleRequest(request), (now, call, role, id) ->
        vendor.vend(now.policy(), input(id, call), id.subject(), role.alias(), role.duration(),
            call.bearer(), id.tokenHash(), now.revocations(), id.revocationFacts(),
            now.limits().quota(id.issuer(), id.subject()))
            .thenApply(o -> o.map(v -> credentials(v, role.alias()))),
        responses);
  }

  /** The role is named in the record once its alias is valid, even if the duration is not. */
  private static CheckedRequest<RoleRequest> roleRequest(GetAwsCredentialsRequest request) {
    try {
      requireAlias("role", request.getRole());
    } catch (RuntimeException e) {
      return new CheckedRequest.Invalid<>(e, Asked.NOTHING);
    }
    return CheckedRequest.of(Asked.role(request.getRole()),
        () -> new RoleRequest(request.getRole(), duration(request)));
  }

  private AwsCredentials credentials(CredentialVendor.Vended v, String alias) {
    var c = v.credentials();
    return AwsCredentials.newBuilder()
        .setAccessKeyId(c.accessKeyId())
        .setSecretAccessKey(c.secretAccessKey().reveal())
        .setSessionToken(c.sessionToken().reveal())
        .setExpiration(ProtoValues.timestamp(c.expiration()))
        .setAssumedRoleArn(c.assumedRoleArn())
        .setRegion(region)
        .setRole(alias)
        .setSessionName(v.sessionName())
        .setSourceIdentity(c.sourceIdentity().orElse(""))
        .build();
  }

  @Override
  public void getSecretValue(GetSecretValueRequest request, StreamObserver<SecretValue> responses) {
    CheckedRequest<SecretVendor.Request> checked; // the secret is named once all of it is valid
    try {
      checked = new CheckedRequest.Valid<>(secretRequest(request), Asked.secret(request.getSecret()));
    } catch (RuntimeException e) {
      checked = new CheckedRequest.Invalid<>(e, Asked.NOTHING);
    }
    serving.unary(Rpc.GET_SECRET_VALUE, checked, (now, call, wanted, id) ->
        secrets.vend(now.policy(), input(id, call), id.subject(), wanted,
            now.limits().quota(id.issuer(), id.subject()))
            .thenApply(o -> o.map(ProtoValues::secretValue)), responses);
  }

  private static SecretVendor.Request secretRequest(GetSecretValueRequest request) {
    requireAlias("secret", request.getSecret());
    Optional<String> versionId = Optional.empty();
    Optional<String> versionStage = Optional.empty();
    if (request.hasVersionId()) {
      int n = request.getVersionId().length();
      if (n < MIN_VERSION_ID || n > MAX_VERSION_ID) {
        throw Status.INVALID_ARGUMENT.withDescription("version_id must be " + MIN_VERSION_ID
            + " to " + MAX_VERSION_ID + " characters (a Secrets Manager version id), got " + n)
            .asRuntimeException();
      }
      versionId = Optional.of(request.getVersionId());
    } else if (request.hasVersionStage()) {
      int n = request.getVersionStage().length();
      if (n < 1 || n > MAX_VERSION_STAGE) {
        throw Status.INVALID_ARGUMENT.withDescription("version_stage must be 1 to "
            + MAX_VERSION_STAGE + " characters, e.g. AWSCURRENT or AWSPREVIOUS; omit it for"
            + " AWSCURRENT").asRuntimeException();
      }
      versionStage = Optional.of(request.getVersionStage());
    }
    return new SecretVendor.Request(request.getSecret(), versionId, versionStage,
        request.getForceRefresh());
  }

  private static void requireAlias(String field, String value) {
    if (value.isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription(field + " is required").asRuntimeException();
    }
    if (value.length() > MAX_ALIAS_CHARS) {
      throw Status.INVALID_ARGUMENT.withDescription(field + " is longer than " + MAX_ALIAS_CHARS
          + " characters").asRuntimeException();
    }
  }

  private static Optional<Duration> duration(GetAwsCredentialsRequest request) {
    if (!request.hasDuration()) {
      return Optional.empty();
    }
    Duration d = ProtoInputs.duration(request.getDuration(), "duration");
    if (d.compareTo(MIN_DURATION) < 0) {
      throw Status.INVALID_ARGUMENT.withDescription("duration must be at least 15 minutes (STS's"
          + " minimum); omit it for the role's default").asRuntimeException();
    }
    return Optional.of(d);
  }

  @Override
  public void listEntitlements(ListEntitlementsRequest request,
      StreamObserver<ListEntitlementsResponse> responses) {
    serving.unary(Rpc.LIST_ENTITLEMENTS, CheckedRequest.unchecked(request), (now, call, r, id) -> {
      ListEntitlementsResponse listed = entitlements(now.policy(), input(id, call));
      return CompletableFuture.completedFuture(new Outcome.Allowed<>(listed, "listed "
          + listed.getRolesCount() + " roles and " + listed.getSecretsCount() + " secrets",
          List.of(), Outcome.Handed.NOTHING));
    }, responses);
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
    serving.unary(Rpc.WHO_AM_I, CheckedRequest.unchecked(request), (now, call, r, id) ->
        CompletableFuture.completedFuture(new Outcome.Allowed<>(whoAmI(id, call), "authenticated",
            List.of(), Outcome.Handed.NOTHING)), responses);
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
}
