package dev.credbroker.core.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Aggregates decision records into {@link AccessUsage}s, for access review over audit files: each
 * file is read once, front to back, and only the aggregates are kept (one entry per identity,
 * target, outcome, rules and claims), so memory follows the number of distinct identities and
 * targets, not the size of the trail.
 */
public final class UsageTally {
  private record Key(String role, String secret, String issuer, String subject, String clientId,
      AuditEvent.Decision decision, List<String> ruleIds, Map<String, Object> claims) {}

  private static final class Count {
    long n;
    Instant last = Instant.MIN;
  }

  private final Map<Key, Count> counts = new HashMap<>();

  /** The usages in {@code files} (a trail's segments) with {@code since <= time < until}. */
  public static List<AccessUsage> fromFiles(List<Path> files, Instant since, Instant until)
      throws IOException {
    UsageTally tally = new UsageTally();
    for (Path file : files) {
      AuditFiles.lines(file, (n, bytes, complete) -> {
        if (complete) {
          AuditEntry.parse(bytes).filter(e -> AuditJson.DECISION.equals(e.type()))
              .filter(e -> !e.time().isBefore(since) && e.time().isBefore(until))
              .ifPresent(tally::add);
        }
        return true;
      });
    }
    return tally.usages();
  }

  /** Counts one decision record. */
  public void add(AuditEntry e) {
    Key key = new Key(e.field("role"), e.field("secret"), e.callerField("issuer"),
        e.callerField("subject"), e.callerField("client_id"), e.decision(), AccessUsage.ruleIds(e),
        claims(e));
    Count c = counts.computeIfAbsent(key, k -> new Count());
    c.n++;
    Instant t = e.time();
    if (t.isAfter(c.last)) {
      c.last = t;
    }
  }

  public List<AccessUsage> usages() {
    List<AccessUsage> out = new ArrayList<>(counts.size());
    counts.forEach((k, c) -> out.add(new AccessUsage(k.role(), k.secret(), k.issuer(),
        k.subject(), k.clientId(), k.decision(), k.ruleIds(), k.claims(), c.n, c.last)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> claims(AuditEntry e) {
    return e.object("caller").get("claims") instanceof Map<?, ?> m
        ? (Map<String, Object>) m : Map.of();
  }
}
