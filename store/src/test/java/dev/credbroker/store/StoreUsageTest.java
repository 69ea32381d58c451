package dev.credbroker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AccessUsage;
import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.audit.StatusCode;
import dev.credbroker.core.audit.UsageDays;
import dev.credbroker.core.audit.UsageTally;
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
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access review's daily rollup on PostgreSQL: records grouped by identity, target, outcome, rules
 * and claims, counted and dated, in the window's days only; the same usages as a trail read once
 * ({@link UsageTally}) across brokers and days; a batch shipped again counted once; a store
 * migrated from schema version 2 backfilled, and records shipped after it added to the backfilled
 * rows; retention dropping the rollup with the months; hostile recorded values (a rule id with
 * quotes, 3,000 characters) come back as written, U+0000 in a claim as U+FFFD, never a database
 * error, whether shipped or backfilled.
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

  @Test
  void theRollup_answersAsTheRecordsDo_acrossBrokersAndDays() throws Exception {
    AuditSigner signer = AuditSigner.loadOrCreate(dir.resolve("k"));
    TrailLines a = new TrailLines("a", signer);
    TrailLines b = new TrailLines("b", signer);
    for (int i = 0; i < 60; i++) {
      Instant at = T0.minus(Duration.ofHours(7L * i)); // 17 days, some days several times
      TrailLines t = i % 3 == 0 ? b : a;
      t.decision(event(at, "user-" + i % 4, Map.of("groups", List.of("g" + i % 2)),
          List.of("r" + i % 3)));
      if (i % 10 == 9) {
        t.checkpoint(at);
      }
    }
    StoreConfig config = postgres.cluster().newStore();
    try (AuditStore store = AuditStore.create(config)) {
      store.prepare(T0);
      List<StoredRecord> ra = a.stored();
      store.ship("a", ra.subList(0, 20), T0); // in batches, as the shipper does
      store.ship("a", ra.subList(20, ra.size()), T0);
      store.ship("b", b.stored(), T0);
    }
    Instant since = T0.minus(Duration.ofDays(10)).plusSeconds(3600);
    assertEquals(fromRecords(since, T0, a, b), fromStore(config, since, T0),
        "the window's whole days, from the rollup and from every record");
  }

  @Test
  void shippingABatchAgain_countsItOnce() throws Exception {
    TrailLines t = new TrailLines("a", AuditSigner.loadOrCreate(dir.resolve("k")));
    for (int i = 0; i < 6; i++) {
      t.decision(event(T0.plusSeconds(i), "alice", Map.of(), List.of("r1")));
    }
    StoreConfig config = postgres.cluster().newStore();
    List<StoredRecord> all = t.stored();
    try (AuditStore store = AuditStore.create(config)) {
      store.prepare(T0);
      assertEquals(4, store.ship("a", all.subList(0, 4), T0));
      assertEquals(2, store.ship("a", all, T0), "a crash after the commit: shipped again");
      assertEquals(0, store.ship("a", all, T0));
    }
    Set<AccessUsage> usages = fromStore(config, T0, T0.plusSeconds(60));
    assertEquals(List.of(6L), usages.stream().map(AccessUsage::count).toList());
    assertEquals(fromRecords(T0, T0.plusSeconds(60), t), usages);
  }

  @Test
  void aVersion2Store_isBackfilled_andLaterShipsAddToTheBackfilledRows() throws Exception {
    String hostile = "g\u0000'\"]}" + "é".repeat(3000);
    TrailLines t = new TrailLines("a", AuditSigner.loadOrCreate(dir.resolve("k")))
        .decision(event(T0.minus(Duration.ofDays(2)), "alice", Map.of("groups", List.of("g1")),
            List.of("r1")))
        .decision(event(T0, "alice", Map.of("groups", List.of("g1")), List.of("r1")))
        .decision(event(T0.plusSeconds(1), "mallory", Map.of("groups", List.of(hostile)),
            List.of("x'); --")))
        .checkpoint(T0.plusSeconds(2));
    StoreConfig config = postgres.cluster().newStore();
    postgres.cluster().migrateTo(config, "2");
    try (Connection c = postgres.cluster().connect(config.postgres().url())) {
      EarlierSchema.ship(c, "a", t.stored());
    }
    int before = t.stored().size();
    t.decision(event(T0.plusSeconds(30), "alice", Map.of("groups", List.of("g1")),
            List.of("r1")))
        .decision(event(T0.plusSeconds(31), "mallory", Map.of("groups", List.of(hostile)),
            List.of("x'); --")));
    try (AuditStore store = AuditStore.create(config)) {
      assertTrue(store.prepare(T0).contains("migrated from schema version 2 to 3"));
      store.ship("a", t.stored().subList(before, t.stored().size()), T0);
    }
    Instant since = T0.minus(Duration.ofDays(3));
    assertEquals(mapped(fromRecords(since, T0.plusSeconds(60), t)),
        fromStore(config, since, T0.plusSeconds(60)));
    assertEquals(3, rows(config, "SELECT count(*) FROM audit_usage_daily"),
        "alice two days, mallory one: the later ships added to the backfilled rows");
  }

  @Test
  void retention_dropsTheRollupDaysWithTheirMonths() throws Exception {
    TrailLines t = new TrailLines("a", AuditSigner.loadOrCreate(dir.resolve("k")))
        .decision(event(Instant.parse("2026-08-15T00:00:00Z"), "alice", Map.of(), List.of()))
        .decision(event(Instant.parse("2026-09-15T00:00:00Z"), "alice", Map.of(), List.of()));
    StoreConfig config = postgres.cluster().newStore();
    StoreConfig keep = new StoreConfig(config.postgres(), Optional.of(Duration.ofDays(60)), 10,
        Duration.ofSeconds(1));
    try (AuditStore store = AuditStore.create(keep)) {
      store.prepare(T0);
      store.ship("a", t.stored(), T0);
      assertEquals(List.of("audit_records_2026_08"), store.applyRetention(T0));
    }
    assertEquals(1, rows(config, "SELECT count(*) FROM audit_usage_daily WHERE day >= '2026-09-01'"));
    assertEquals(1, rows(config, "SELECT count(*) FROM audit_usage_daily"),
        "August's day went with its month");
  }

  private static Set<AccessUsage> fromStore(StoreConfig config, Instant since, Instant until)
      throws Exception {
    try (Connection c = postgres.cluster().connect(config.postgres().url())) {
      return Set.copyOf(StoreUsage.run(c, since, until));
    }
  }

  /** What a trail read once says of the whole days covering the window. */
  private static Set<AccessUsage> fromRecords(Instant since, Instant until, TrailLines... trails) {
    UsageDays days = UsageDays.covering(since, until);
    UsageTally tally = new UsageTally();
    for (TrailLines t : trails) {
      t.stored().stream().filter(r -> r.type().equals("decision"))
          .filter(r -> !r.time().isBefore(days.since()) && r.time().isBefore(days.until()))
          .forEach(r -> tally.add(r.entry()));
    }
    return Set.copyOf(tally.usages());
  }

  /** {@code usages} as the store keeps their claims: U+0000 as U+FFFD. */
  private static Set<AccessUsage> mapped(Set<AccessUsage> usages) {
    Set<AccessUsage> out = new java.util.HashSet<>();
    for (AccessUsage u : usages) {
      Map<String, Object> claims = new java.util.HashMap<>();
      u.claims().forEach((k, v) -> claims.put(k, v instanceof List<?> l ? l.stream()
          .map(x -> String.valueOf(x).replace('\u0000', '\uFFFD')).toList() : v));
      out.add(new AccessUsage(u.role(), u.secret(), u.issuer(), u.subject(), u.clientId(),
          u.decision(), u.ruleIds(), claims, u.count(), u.last()));
    }
    return out;
  }

  private static long rows(StoreConfig config, String sql) throws Exception {
    try (Connection c = postgres.cluster().connect(config.postgres().url());
        java.sql.Statement s = c.createStatement(); java.sql.ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
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
