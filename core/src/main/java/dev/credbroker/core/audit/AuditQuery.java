package dev.credbroker.core.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * What a reviewer asks of the audit log: a time window and exact-match filters, all optional and
 * combined with AND; {@code afterRequestId} resumes after the last record of a previous page.
 */
public record AuditQuery(
    Optional<Instant> since,
    Optional<Instant> until,
    Optional<String> issuer,
    Optional<String> subject,
    Optional<String> role,
    Optional<String> secret,
    Optional<AuditEvent.Decision> decision,
    Optional<String> afterRequestId,
    int limit) {

  public static final int MAX_LIMIT = 10_000;

  public AuditQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
    }
  }

  boolean matches(AuditEntry e) {
    return since.map(t -> !e.time().isBefore(t)).orElse(true)
        && until.map(t -> e.time().isBefore(t)).orElse(true)
        && issuer.map(i -> i.equals(e.callerField("issuer"))).orElse(true)
        && subject.map(s -> s.equals(e.callerField("subject"))).orElse(true)
        && role.map(r -> r.equals(e.field("role"))).orElse(true)
        && secret.map(s -> s.equals(e.field("secret"))).orElse(true)
        && decision.map(d -> d == e.decision()).orElse(true);
  }
}
