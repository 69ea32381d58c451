package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.digest.Sha256;
import dev.credbroker.core.policy.Decision;
import dev.credbroker.core.policy.NotEntitledException;
import dev.credbroker.server.audit.AuditLog;
import dev.credbroker.server.auth.AuthenticationException;
import dev.credbroker.server.auth.VerifiedIdentity;
import dev.credbroker.server.ops.Futures;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What one call has learned for its audit record. Steps of a call set it in turn (each completes
 * before the next starts), and it is written once, by {@link #allowed} or {@link #refused}.
 */
final class CallAudit {
  private final AuditLog log;
  private final List<String> claimNames;
  private final Clock clock;
  private final CallInfo call;
  private final String rpc;
  private Optional<VerifiedIdentity> identity = Optional.empty();
  private Optional<String> role = Optional.empty();
  private Optional<String> secret = Optional.empty();
  private Optional<Decision> decision = Optional.empty();
  private String reason = "";
  private Optional<AuditEvent.IssuedCredential> credential = Optional.empty();
  private Optional<AuditEvent.SecretRead> secretRead = Optional.empty();
  private AuditEvent.Cache cache = AuditEvent.Cache.NOT_APPLICABLE;
  private String awsRequestId = "";

  CallAudit(AuditLog log, List<String> claimNames, Clock clock, CallInfo call, String rpc) {
    this.log = log;
    this.claimNames = claimNames;
    this.clock = clock;
    this.call = call;
    this.rpc = rpc;
  }

  VerifiedIdentity identity(VerifiedIdentity id) {
    identity = Optional.of(id);
    return id;
  }

  CallAudit role(String alias) {
    role = Optional.of(alias);
    return this;
  }

  CallAudit secret(String alias) {
    secret = Optional.of(alias);
    return this;
  }

  CallAudit decision(Decision d) {
    decision = Optional.of(d);
    return this;
  }

  CallAudit reason(String text) {
    reason = text;
    return this;
  }

  CallAudit credential(AuditEvent.IssuedCredential issued, AuditEvent.Cache from, String requestId) {
    credential = Optional.of(issued);
    return served(from, requestId);
  }

  CallAudit secretRead(AuditEvent.SecretRead read, AuditEvent.Cache from, String requestId) {
    secretRead = Optional.of(read);
    return served(from, requestId);
  }

  private CallAudit served(AuditEvent.Cache from, String requestId) {
    cache = from;
    awsRequestId = requestId == null ? "" : requestId;
    return this;
  }

  /**
   * Answers once the call's record is written: {@code deliver} runs on success, the mapped status
   * goes out on failure, and UNAVAILABLE replaces either when the record cannot be written (fail
   * closed: nothing leaves unrecorded).
   */
  <T> void answer(CompletableFuture<T> work, Consumer<T> deliver, StreamObserver<?> responses) {
    work.whenComplete((value, error) -> {
      if (error == null) {
        allowed().whenComplete((written, auditError) -> {
          if (auditError != null) {
            responses.onError(StatusMapping.toStatus(auditError, call));
          } else {
            deliver.accept(value);
          }
        });
        return;
      }
      StatusRuntimeException status = StatusMapping.toStatus(error, call);
      refused(error, status).whenComplete((written, auditError) ->
          responses.onError(auditError != null ? StatusMapping.toStatus(auditError, call) : status));
    });
  }

  /** Records the call as allowed; the answer may leave once the returned future completes. */
  CompletableFuture<Void> allowed() {
    return log.append(event(AuditEvent.Decision.ALLOW, "OK",
        decision.map(Decision::reason).orElse(reason)));
  }

  /** Records the call as refused with {@code status}, the status its caller will see. */
  CompletableFuture<Void> refused(Throwable error, StatusRuntimeException status) {
    Throwable cause = Futures.cause(error);
    AuditEvent.Decision outcome = AuditEvent.Decision.ERROR;
    String why = status.getStatus().getDescription();
    if (cause instanceof NotEntitledException denied) {
      decision = Optional.of(denied.decision());
      outcome = AuditEvent.Decision.DENY;
      why = denied.decision().reason();
    } else if (cause instanceof AuthenticationException
        && status.getStatus().getCode() == io.grpc.Status.Code.UNAUTHENTICATED) {
      outcome = AuditEvent.Decision.DENY;
    }
    return log.append(event(outcome, status.getStatus().getCode().name(), why == null ? "" : why));
  }

  /**
   * Records the refusal of a call no handler answers, then closes {@code serverCall} with
   * {@code status}, or with UNAVAILABLE when the record cannot be written.
   */
  void refuse(ServerCall<?, ?> serverCall, Throwable error, StatusRuntimeException status) {
    refused(error, status).whenComplete((written, auditError) -> serverCall.close(
        auditError == null ? status.getStatus() : StatusMapping.toStatus(auditError, call).getStatus(),
        new Metadata()));
  }

  private AuditEvent event(AuditEvent.Decision outcome, String status, String why) {
    return new AuditEvent(clock.instant(), call.requestId(), rpc, identity.map(this::caller),
        call.peerAddress(), tokenHash(), role, secret, outcome,
        decision.map(Decision::ruleIds).orElse(List.of()), why, status, credential, secretRead,
        cache, awsRequestId, Duration.ofNanos(System.nanoTime() - call.startNanos()));
  }

  private AuditEvent.Caller caller(VerifiedIdentity id) {
    Map<String, Object> kept = new LinkedHashMap<>();
    for (String name : claimNames) {
      Object value = id.claims().get(name);
      if (value != null) {
        kept.put(name, value);
      }
    }
    return new AuditEvent.Caller(id.issuer(), id.subject(), id.clientId().orElse(""), kept);
  }

  private String tokenHash() {
    if (identity.isPresent()) {
      return identity.get().tokenHash();
    }
    return call.bearer() == null ? "" : Sha256.shortHex(Sha256.of(call.bearer().reveal()));
  }
}
