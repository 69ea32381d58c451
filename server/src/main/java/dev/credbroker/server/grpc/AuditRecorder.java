package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.digest.Sha256;
import dev.credbroker.server.audit.AuditLog;
import dev.credbroker.server.auth.UnverifiedClaims;
import dev.credbroker.server.auth.VerifiedIdentity;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.metrics.RequestMetrics;
import dev.credbroker.server.model.Outcome;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Connects calls to the audit log: gathers a call's facts when its outcome is known, has
 * {@link CallRecord} make the record and appends it. {@code claims} names the token claims copied
 * into records.
 */
public final class AuditRecorder {
  private final AuditLog log;
  private final List<String> claims;
  private final Clock clock;
  private final RequestMetrics requests;

  public AuditRecorder(AuditLog log, List<String> claims, Clock clock) {
    this(log, claims, clock, BrokerMetrics.detached().requests());
  }

  /** Counting every call it records in {@code requests}, by RPC, decision and status. */
  public AuditRecorder(AuditLog log, List<String> claims, Clock clock, RequestMetrics requests) {
    this.log = log;
    this.claims = List.copyOf(claims);
    this.clock = clock;
    this.requests = requests;
  }

  /** Appends the record of {@code call}; its answer may leave once the future completes. */
  CompletableFuture<Void> record(CallInfo call, Rpc rpc, Asked asked,
      Optional<VerifiedIdentity> caller, Outcome<?> outcome) {
    CallFacts facts = new CallFacts(clock.instant(), call.requestId(), call.peerAddress(),
        caller.map(VerifiedIdentity::tokenHash).orElseGet(() -> tokenHash(call)),
        caller.map(id -> id.auditCaller(claims)), asked,
        Duration.ofNanos(System.nanoTime() - call.startNanos()), unverified(call, caller, outcome));
    AuditEvent event = CallRecord.of(facts, rpc, outcome);
    requests.finished(rpc.wireName(), event.decision(), event.status().name(), event.latency());
    if (outcome instanceof Outcome.Limited<?> limited) {
      requests.rateLimited(limited.limit());
    }
    return log.append(event);
  }

  /**
   * Records a call that no handler answers (no usable token, a malformed body), then closes
   * {@code serverCall} with its refusal, or with UNAVAILABLE when the record cannot be written.
   */
  void refuse(ServerCall<?, ?> serverCall, CallInfo call, Rpc rpc, Outcome<?> refused) {
    io.grpc.Status status = StatusMapping.refusal(refused);
    record(call, rpc, Asked.NOTHING, Optional.empty(), refused).whenComplete((written, error) ->
        serverCall.close(error == null ? status : StatusMapping.toStatus(error, call),
            new Metadata()));
  }

  /** What a refused token claimed; read only for a refusal, never for a served call. */
  private static Optional<AuditEvent.Unverified> unverified(CallInfo call,
      Optional<VerifiedIdentity> caller, Outcome<?> outcome) {
    return caller.isEmpty() && outcome instanceof Outcome.Unauthenticated<?>
        && call.bearer() != null ? UnverifiedClaims.of(call.bearer().reveal()) : Optional.empty();
  }

  private static String tokenHash(CallInfo call) {
    return call.bearer() == null ? "" : Sha256.shortHex(Sha256.of(call.bearer().reveal()));
  }
}
