package dev.credbroker.server.grpc;

import dev.credbroker.server.audit.AuditLog;
import java.time.Clock;
import java.util.List;

/**
 * Connects calls to the audit log: each call gets a {@link CallAudit} that collects what the call
 * learns (caller, target, decision, what was handed out) and writes exactly one record when the
 * call ends. {@code claims} names the token claims copied into records.
 */
public final class AuditRecorder {
  private final AuditLog log;
  private final List<String> claims;
  private final Clock clock;

  public AuditRecorder(AuditLog log, List<String> claims, Clock clock) {
    this.log = log;
    this.claims = List.copyOf(claims);
    this.clock = clock;
  }

  CallAudit start(CallInfo call, String rpc) {
    return new CallAudit(log, claims, clock, call, rpc);
  }
}
