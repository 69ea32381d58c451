package dev.credbroker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.credbroker.core.audit.AccessUsage;
import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.audit.StatusCode;
import dev.credbroker.core.config.StoreConfig;
import dev.credbroker.store.testing.PostgresExtension;
import dev.credbroker.store.testing.TrailLines;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access review's grouping on PostgreSQL: records grouped by identity, target, outcome, rules and
 * claims, counted and dated, in the window only; hostile recorded values (a rule id with quotes,
 * 3,000 characters) come back as written, U+0000 in a claim as U+FFFD, never a database error.
 */
class StoreUsageTest {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  @TempDir Path dir;

  @Test
  void groupsTheWindow_andHostileValuesComeBackAsWritten() throws Exception {
    String hostile = "g\u0000'\"]}" + "é".repeat(3000);
    TrailLines t = new TrailLines("b", AuditSigner.loadOrCreate(dir.resolve("k")))
        .decision(event(T0.minusSeconds(86_400), "alice", Map.of(), List.of("r1")))
        .decision(event(T0, "alice", Map.of("groups", List.of("g1")), List.of("r1")))
        .decision(event(T0.plusSeconds(5), "alice", Map.of("groups", List.of("g1")),
            List.of("r1")))
        .decision(event(T0.plusSeconds(9), "mallory", Map.of("groups", List.of(hostile)),
            List.of("x'); --")));
    StoreConfig config = postgres.cluster().newStore();
    try (AuditStore store = AuditStore.create(config)) {
      store.prepare(T0);
      store.ship("b", t.stored(), T0);
    }
    List<AccessUsage> usages;
    try (Connection c = postgres.cluster().connect(config.postgres().url())) {
      usages = StoreUsage.run(c, T0.minusSeconds(60), T0.plusSeconds(60));
    }
    assertEquals(2, usages.size(), usages.toString());
    AccessUsage alice = usages.stream().filter(u -> u.subject().equals("alice")).findFirst()
        .orElseThrow();
    assertEquals(List.of(2L, T0.plusSeconds(5), "deployer", List.of("r1"),
        Map.of("groups", List.of("g1")), AuditEvent.Decision.ALLOW), List.of(alice.count(),
        alice.last(), alice.role(), alice.ruleIds(), alice.claims(), alice.decision()));
    AccessUsage mallory = usages.stream().filter(u -> u.subject().equals("mallory")).findFirst()
        .orElseThrow();
    assertEquals(Map.of("groups", List.of(hostile.replace('\u0000', '\uFFFD'))),
        mallory.claims(), "U+0000 reads as U+FFFD, as in the search columns");
    assertEquals(List.of("x'); --"), mallory.ruleIds());
  }

  private static AuditEvent event(Instant at, String subject, Map<String, Object> claims,
      List<String> rules) {
    return new AuditEvent(at, "req-" + at.getEpochSecond(), Rpc.GET_AWS_CREDENTIALS,
        Optional.of(new AuditEvent.Caller("https://idp", subject, "c", claims)), "", "",
        Optional.of("deployer"), Optional.empty(), AuditEvent.Decision.ALLOW, rules, "ok",
        StatusCode.OK, Optional.empty(), Optional.empty(), AuditEvent.Cache.MISS, "",
        Duration.ZERO);
  }
}
