package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.AuditEvent;
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
import dev.credbroker.server.model.Secret;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
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

  private final Supplier<BrokerState> state;
  private final CredentialVendor vendor;
  private final SecretVendor secrets;
  private final String region;
  private final Clock clock;
  private final AuditRecorder audit;

  /**
   * {@code state} is read once per request, so a reloaded configuration applies to new requests
   * while requests in flight finish on the one they started with. {@code region} is reported to
   * callers with their credentials. Every call is recorded in {@code audit} before it is answered.
   */
  public CredentialBrokerService(Supplier<BrokerState> state, CredentialVendor vendor,
      SecretVendor secrets, String region, Clock clock, AuditRecorder audit) {
    this.state = state;
    this.vendor = vendor;
    this.secrets = secrets;
    this.region = region;
    this.clock = clock;
    this.audit = audit;
  }

  @Override
  public void getAwsCredentials(GetAwsCredentialsRequest request,
      StreamObserver<AwsCredentials> responses) {
    CallInfo call = CallInfo.current();
    CallAudit record = audit.start(call, "GetAwsCredentials");
    BrokerState now = state.get();
    CompletableFuture<CredentialVendor.Vended> vended = checked(() -> {
      requireAlias("role", request.getRole());
      record.role(request.getRole());
      return duration(request);
    }).thenCompose(duration -> authenticate(now, call, record).thenCompose(id ->
        vendor.vend(now.policy(), input(id, call), id.subject(), request.getRole(), duration,
            call.bearer(), id.tokenHash())))
        .thenApply(v -> {
          var c = v.credentials();
          record.decision(v.decision()).credential(new AuditEvent.IssuedCredential(
              c.accessKeyId(), v.sessionName(), c.sourceIdentity().orElse(""), c.expiration(),
              c.assumedRoleArn()), v.cacheHit() ? AuditEvent.Cache.HIT : AuditEvent.Cache.MISS,
              c.awsRequestId());
          return v;
        });
    respond(record, vended, v -> credentials(v, request.getRole()), responses);
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
    CallInfo call = CallInfo.current();
    CallAudit record = audit.start(call, "GetSecretValue");
    BrokerState now = state.get();
    CompletableFuture<SecretVendor.Vended> vended = checked(() -> {
      SecretVendor.Request wanted = secretRequest(request);
      record.secret(request.getSecret());
      return wanted;
    }).thenCompose(wanted -> authenticate(now, call, record).thenCompose(id ->
        secrets.vend(now.policy(), input(id, call), id.subject(), wanted)))
        .thenApply(v -> {
          record.decision(v.decision()).secretRead(new AuditEvent.SecretRead(
              v.version().versionId(), v.version().versionStages()), switch (v.source()) {
                case HIT -> AuditEvent.Cache.HIT;
                case MISS -> AuditEvent.Cache.MISS;
                case STALE -> AuditEvent.Cache.STALE;
              }, v.version().awsRequestId());
          return v;
        });
    respond(record, vended, ProtoValues::secretValue, responses);
  }

  /**
   * The request's checked arguments, or its INVALID_ARGUMENT, before anything else runs. Nothing
   * escapes as a throw: the handler would end with UNKNOWN and no audit record.
   */
  private static <T> CompletableFuture<T> checked(Supplier<T> check) {
    try {
      return CompletableFuture.completedFuture(check.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
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
    CallInfo call = CallInfo.current();
    CallAudit record = audit.start(call, "ListEntitlements");
    BrokerState now = state.get();
    respond(record, authenticate(now, call, record), identity -> {
      ListEntitlementsResponse listed = entitlements(now.policy(), input(identity, call));
      record.reason("listed " + listed.getRolesCount() + " roles and " + listed.getSecretsCount()
          + " secrets");
      return listed;
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
    CallInfo call = CallInfo.current();
    CallAudit record = audit.start(call, "WhoAmI").reason("authenticated");
    respond(record, authenticate(state.get(), call, record), identity -> whoAmI(identity, call),
        responses);
  }

  static CompletableFuture<VerifiedIdentity> authenticate(BrokerState now, CallInfo call,
      CallAudit record) {
    if (call.bearerProblem() != null) {
      return CompletableFuture.failedFuture(call.bearerProblem());
    }
    return now.authenticator().authenticate(call.bearer().reveal()).thenApply(record::identity);
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

  private static <T, R> void respond(CallAudit record, CompletableFuture<T> work,
      Function<T, R> toResponse, StreamObserver<R> responses) {
    record.answer(work.thenApply(toResponse), response -> {
      responses.onNext(response);
      responses.onCompleted();
    }, responses);
  }
}
