package dev.credbroker.core.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Decisions of one kind aggregated over a window: one identity (issuer, subject, client id and
 * the claims {@code audit.claims} recorded), one target (a role or a secret as requested; both
 * empty for calls without one, such as SearchAudit), one outcome and the rules it named; how many
 * and the last. What access review reads, whether a file was streamed ({@link UsageTally}) or the
 * store grouped them in SQL, so both answer the same way.
 */
public record AccessUsage(String role, String secret, String issuer, String subject,
    String clientId, AuditEvent.Decision decision, List<String> ruleIds,
    Map<String, Object> claims, long count, Instant last) {

  public AccessUsage {
    ruleIds = List.copyOf(ruleIds);
    Map<String, Object> kept = new java.util.HashMap<>(claims);
    kept.values().removeIf(java.util.Objects::isNull); // a JSON null claim: as if absent
    claims = Map.copyOf(kept);
  }

  /** The {@code rule_ids} of a record (or of the store's grouped facts); empty when none. */
  public static List<String> ruleIds(AuditEntry e) {
    return e.fields().get("rule_ids") instanceof List<?> l
        ? l.stream().map(String::valueOf).toList() : List.of();
  }
}
