package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.AuditQuery;
import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.audit.StatusCode;
import dev.credbroker.core.policy.Decision;
import dev.credbroker.core.policy.PolicyInput;
import dev.credbroker.core.policy.Target;
import dev.credbroker.proto.v1.AuditRecord;
import dev.credbroker.proto.v1.AuditServiceGrpc;
import dev.credbroker.proto.v1.SearchAuditRequest;
import dev.credbroker.server.auth.VerifiedIdentity;
import dev.credbroker.server.fleet.AuditSource;
import dev.credbroker.server.model.Outcome;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code credbroker.v1.AuditService}: security reviewers search the audit log over gRPC. Only
 * callers whose policy grants the auditor entitlement may search, and each search is itself
 * recorded before any record is streamed. Files are read on {@code io}, never on a transport thread,
 * and records are sent only as fast as the caller reads them.
 */
public final class AuditSearchService extends AuditServiceGrpc.AuditServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(AuditSearchService.class);
  static final int DEFAULT_LIMIT = 1000;

  private final Serving serving;
  private final Optional<AuditSource> source;
  private final Executor io;
  private final Clock clock;

  /**
   * {@code source}: the fleet store, or the file sink's files; empty when records go to stdout
   * and no store is configured.
   */
  public AuditSearchService(Supplier<BrokerState> state, AuditRecorder audit,
      Optional<AuditSource> source, Executor io, Clock clock) {
    this.serving = new Serving(state, audit);
    this.source = source;
    this.io = io;
    this.clock = clock;
  }

  @Override
  public void searchAudit(SearchAuditRequest request, StreamObserver<AuditRecord> responses) {
    FlowGate gate = new FlowGate((ServerCallStreamObserver<AuditRecord>) responses);
    serving.serve(Rpc.SEARCH_AUDIT, CheckedRequest.unchecked(request), this::allowed,
        query -> io.execute(() -> stream(query, gate, responses)), responses);
  }

  /** The query, once the caller holds the auditor entitlement and there are records to search. */
  private CompletableFuture<Outcome<AuditQuery>> allowed(BrokerState now, CallInfo call,
      SearchAuditRequest request, VerifiedIdentity id) {
    AuditQuery query = query(request);
    Decision d = now.policy().decide(new PolicyInput(id.issuer(), id.claims(), call.peerIp(),
        clock.instant()), Target.AUDITOR);
    if (!d.allowed()) {
      return CompletableFuture.completedFuture(new Outcome.Denied<>(d, Target.AUDITOR));
    }
    if (source.isEmpty()) {
      return CompletableFuture.completedFuture(new Outcome.Failed<>(StatusCode.FAILED_PRECONDITION,
          "this broker writes its audit log to stdout; search it in your log pipeline",
          d.ruleIds()));
    }
    return CompletableFuture.completedFuture(Outcome.Allowed.by(d, query, Outcome.Handed.NOTHING));
  }

  private void stream(AuditQuery query, FlowGate gate, StreamObserver<AuditRecord> responses) {
    try {
      source.get().search(query, entry -> {
        if (!gate.awaitReady()) {
          return false;
        }
        responses.onNext(AuditRecords.toProto(entry));
        return true;
      });
      if (!gate.cancelled()) {
        responses.onCompleted();
      }
    } catch (IOException | RuntimeException e) {
      log.warn("audit search failed: {}", e.toString());
      responses.onError(Status.UNAVAILABLE.withDescription("the audit records cannot be read;"
          + " retry later").asRuntimeException());
    }
  }

  private static AuditQuery query(SearchAuditRequest r) {
    long limit = Integer.toUnsignedLong(r.getLimit()); // uint32 on the wire
    if (limit > AuditQuery.MAX_LIMIT) {
      throw invalid("limit is at most " + AuditQuery.MAX_LIMIT);
    }
    Optional<Instant> since = r.hasSince()
        ? Optional.of(ProtoInputs.timestamp(r.getSince(), "since")) : Optional.empty();
    Optional<Instant> until = r.hasUntil()
        ? Optional.of(ProtoInputs.timestamp(r.getUntil(), "until")) : Optional.empty();
    if (since.isPresent() && until.isPresent() && until.get().isBefore(since.get())) {
      throw invalid("until is before since");
    }
    java.util.Map<AuditQuery.Field, String> equal = new java.util.EnumMap<>(AuditQuery.Field.class);
    text("issuer", r.getIssuer()).ifPresent(v -> equal.put(AuditQuery.Field.ISSUER, v));
    text("subject", r.getSubject()).ifPresent(v -> equal.put(AuditQuery.Field.SUBJECT, v));
    text("role", r.getRole()).ifPresent(v -> equal.put(AuditQuery.Field.ROLE, v));
    text("secret", r.getSecret()).ifPresent(v -> equal.put(AuditQuery.Field.SECRET, v));
    text("client_id", r.getClientId()).ifPresent(v -> equal.put(AuditQuery.Field.CLIENT_ID, v));
    text("rpc", r.getRpc()).ifPresent(v -> equal.put(AuditQuery.Field.RPC, v));
    text("access_key_id", r.getAccessKeyId())
        .ifPresent(v -> equal.put(AuditQuery.Field.ACCESS_KEY_ID, v));
    text("session_name", r.getSessionName())
        .ifPresent(v -> equal.put(AuditQuery.Field.SESSION_NAME, v));
    text("source_identity", r.getSourceIdentity())
        .ifPresent(v -> equal.put(AuditQuery.Field.SOURCE_IDENTITY, v));
    text("request_id", r.getRequestId()).ifPresent(v -> equal.put(AuditQuery.Field.REQUEST_ID, v));
    text("broker_id", r.getBrokerId()).ifPresent(v -> equal.put(AuditQuery.Field.BROKER_ID, v));
    return new AuditQuery(since, until, equal,
        switch (r.getDecision()) {
          case DECISION_ALLOW -> Optional.of(AuditEvent.Decision.ALLOW);
          case DECISION_DENY -> Optional.of(AuditEvent.Decision.DENY);
          case DECISION_ERROR -> Optional.of(AuditEvent.Decision.ERROR);
          default -> Optional.empty();
        },
        text("after_request_id", r.getAfterRequestId()),
        limit == 0 ? DEFAULT_LIMIT : (int) limit);
  }

  private static Optional<String> text(String field, String value) {
    if (value.length() > CredentialBrokerService.MAX_ALIAS_CHARS) {
      throw invalid(field + " is longer than " + CredentialBrokerService.MAX_ALIAS_CHARS
          + " characters");
    }
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  private static RuntimeException invalid(String why) {
    return ProtoInputs.invalid(why);
  }
}
