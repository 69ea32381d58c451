package dev.credbroker.server.health;

import dev.credbroker.server.metrics.KeySetState;
import java.util.ArrayList;
import java.util.List;

/**
 * What health concludes from one look: the broker can serve only while its audit log can be
 * written (every decision is recorded first) and, when issuers are configured, at least one of
 * them has keys it may still verify with. {@code details} says why, one line per check.
 */
record Verdict(boolean serving, boolean auditWritable, List<KeySetState> keySets) {

  static Verdict of(boolean auditWritable, List<KeySetState> keySets) {
    boolean keys = keySets.isEmpty() || keySets.stream().anyMatch(KeySetState::healthy);
    return new Verdict(auditWritable && keys, auditWritable, List.copyOf(keySets));
  }

  List<String> details() {
    List<String> lines = new ArrayList<>();
    lines.add("audit log: " + (auditWritable ? "writable" : "cannot be written"));
    for (KeySetState k : keySets) {
      lines.add("issuer " + k.issuer() + ": " + describe(k));
    }
    return lines;
  }

  static String describe(KeySetState k) {
    if (k.usable()) {
      return k.keys() + " signing keys, fetched " + k.fetchedAt().orElseThrow();
    }
    String why = k.lastFailure().map(f -> " (last fetch: " + f + ")").orElse("");
    if (k.fetchedAt().isEmpty()) {
      return (k.healthy() ? "keys not fetched yet (startup_check: skip)" : "no signing keys") + why;
    }
    return "signing keys older than jwks_cache_ttl + outage_tolerance" + why;
  }
}
