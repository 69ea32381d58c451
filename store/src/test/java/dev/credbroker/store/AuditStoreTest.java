package dev.credbroker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.AuditEvent.Decision;
import dev.credbroker.core.audit.AuditQuery;
import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.config.StoreConfig;
import dev.credbroker.store.testing.PostgresCluster;
import dev.credbroker.store.testing.PostgresExtension;
import dev.credbroker.store.testing.TrailLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store against a real PostgreSQL 15: schema, idempotent shipping, search, verify, retention. */
class AuditStoreTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  private static PostgresCluster pg() {
    return postgres.cluster();
  }
  static AuditSigner signer;
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

  StoreConfig config;
  AuditStore store;

  @BeforeAll
  static void startPostgres() throws Exception {
    Path dir = Files.createTempDirectory("store-key");
    signer = AuditSigner.loadOrCreate(dir.resolve("k"));
  }


  @BeforeEach
  void openStore() throws Exception {
    config = pg().newStore();
    store = AuditStore.create(config);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void prepare_migratesAnEmptyDatabase_thenFindsItCurrent() throws Exception {
    assertTrue(store.prepare(T0).contains("migrated from schema version none to 3"));
    assertTrue(store.prepare(T0).contains("is at schema version 3"));
    try (Connection c = store.connection()) {
      List<YearMonth> months = Partitions.existing(c);
      assertEquals(List.of(YearMonth.of(2026, 11), YearMonth.of(2026, 12), YearMonth.of(2027, 1),
          YearMonth.of(2027, 2)), months);
    }
  }

  @Test
  void prepare_withMigrateOff_refusesASchemaThatIsBehind() throws Exception {
    StoreConfig noMigrate = new StoreConfig(new StoreConfig.Postgres(config.postgres().url(),
        config.postgres().user(), config.postgres().passwordFile(), 1, false), Optional.empty(),
        10, Duration.ofSeconds(1));
    try (AuditStore behind = AuditStore.create(noMigrate)) {
      StoreException e = assertThrows(StoreException.class, () -> behind.prepare(T0));
      assertTrue(e.getMessage().contains("schema is at version none and 3 migration(s) are"
          + " pending"), e.getMessage());
    }
    store.prepare(T0);
    try (AuditStore current = AuditStore.create(noMigrate)) {
      assertTrue(current.prepare(T0).contains("is at schema version 3"));
    }
  }

  @Test
  void ship_isIdempotent_andResumesFromTheStoredPosition() throws Exception {
    store.prepare(T0);
    TrailLines trail = trail("a", 5);
    List<StoredRecord> records = trail.stored();
    assertEquals(AuditStore.Position.START, store.position("a"));
    assertEquals(3, store.ship("a", records.subList(0, 3), T0));
    assertEquals(3, store.position("a").seq());
    assertEquals(3, store.ship("a", records, T0), "the first three were stored already");
    assertEquals(0, store.ship("a", records, T0));
    assertEquals(new AuditStore.Position(trail.seq(), trail.head()), store.position("a"));
    assertEquals(trail.seq(), count("SELECT count(*) FROM audit_records"));
    assertEquals(1, count("SELECT count(*) FROM audit_checkpoints"));
  }

  @Test
  void ship_intoAMonthWithoutAPartition_createsIt() throws Exception {
    store.prepare(T0);
    TrailLines old = new TrailLines("old", signer)
        .decision(Instant.parse("2025-01-15T00:00:00Z"), "x", "r", Decision.ALLOW, "");
    store.ship("old", old.stored(), T0);
    try (Connection c = store.connection()) {
      assertTrue(Partitions.existing(c).contains(YearMonth.of(2025, 1)));
    }
  }

  @Test
  void ship_afterAMonthWasDroppedElsewhere_failsOnce_thenCreatesItAgain() throws Exception {
    store.prepare(T0);
    List<StoredRecord> records = trail("a", 2).stored();
    store.ship("a", records.subList(0, 1), T0);
    exec("DROP TABLE audit_records_2026_11"); // another broker's retention, or a DBA
    assertThrows(StoreException.class, () -> store.ship("a", records, T0));
    assertEquals(records.size(), store.ship("a", records, T0));
  }

  @Test
  void search_filtersNewestFirst_andPagesStablyAcrossBrokers() throws Exception {
    store.prepare(T0);
    store.ship("a", trail("a", 4).stored(), T0);
    store.ship("b", trail("b", 4).stored(), T0);
    List<AuditEntry> all = search(AuditQuery.all(100));
    assertEquals(8, all.size(), "decisions only, both brokers");
    for (int i = 1; i < all.size(); i++) {
      assertFalse(all.get(i).time().isAfter(all.get(i - 1).time()), "newest first");
    }
    List<AuditEntry> paged = new ArrayList<>();
    Optional<String> after = Optional.empty();
    while (true) {
      List<AuditEntry> page = search(new AuditQuery(Optional.empty(), Optional.empty(),
          java.util.Map.of(), Optional.empty(), after, 3));
      if (page.isEmpty()) {
        break;
      }
      paged.addAll(page);
      after = Optional.of(page.get(page.size() - 1).field("request_id"));
    }
    assertEquals(all.stream().map(AuditEntry::json).toList(),
        paged.stream().map(AuditEntry::json).toList());

    List<AuditEntry> byKey = search(AuditQuery.all(10)
        .with(AuditQuery.Field.ACCESS_KEY_ID, "ASIAB0002"));
    assertEquals(1, byKey.size());
    assertEquals("user-2", byKey.get(0).callerField("subject"));
    assertEquals("b", byKey.get(0).field("broker_id"));
    assertEquals(4, search(AuditQuery.all(10).with(AuditQuery.Field.BROKER_ID, "a")).size());
    assertEquals(4, search(new AuditQuery(Optional.empty(), Optional.empty(), java.util.Map.of(),
        Optional.of(Decision.DENY), Optional.empty(), 10)).size(), "two per broker");
    assertEquals(2, search(new AuditQuery(Optional.of(T0.plusSeconds(2)),
        Optional.of(T0.plusSeconds(3)), java.util.Map.of(), Optional.empty(), Optional.empty(),
        10)).size(), () -> "one from each broker in [t+2s, t+3s): " + all);
  }

  @Test
  void verify_passesIntactChains_andFindsAnEditAndACutTail() throws Exception {
    store.prepare(T0);
    store.ship("a", trail("a", 4).stored(), T0);
    store.ship("b", trail("b", 4).stored(), T0);
    try (Connection c = store.connection()) {
      List<StoreVerifier.BrokerReport> ok = StoreVerifier.verify(c, Optional.empty(),
          List.of(signer.publicKey()));
      assertEquals(List.of("a", "b"), ok.stream().map(StoreVerifier.BrokerReport::brokerId)
          .toList());
      ok.forEach(r -> assertTrue(r.report().ok(), r.toString()));
      assertEquals(1, ok.get(0).report().checkpoints());
    }
    exec("UPDATE audit_records SET record = replace(record, 'user-2', 'user-9')"
        + " WHERE broker_id = 'a' AND seq = 3");
    exec("DELETE FROM audit_records WHERE broker_id = 'b' AND seq = 5");
    try (Connection c = store.connection()) {
      List<StoreVerifier.BrokerReport> bad = StoreVerifier.verify(c, Optional.empty(),
          List.of(signer.publicKey()));
      assertTrue(bad.get(0).report().problem().orElseThrow().what().contains("edited"));
      assertTrue(bad.get(1).report().problem().orElseThrow().what()
          .contains("expected head seq 5 is not in these files"), bad.get(1).toString());
    }
  }

  /**
   * The chain covers each line, not the columns searches use: an access key id's row pointed at
   * another subject would name the wrong identity while the chain verified. Verify computes every
   * column again from its line.
   */
  @Test
  void verify_findsEditedColumns_thatTheChainDoesNotCover() throws Exception {
    store.prepare(T0);
    store.ship("a", trail("a", 4).stored(), T0);
    exec("UPDATE audit_records SET subject = 'user-9' WHERE broker_id = 'a' AND seq = 3");
    exec("UPDATE audit_records SET access_key_id = NULL WHERE broker_id = 'a' AND seq = 1");
    exec("UPDATE audit_records SET time = time + interval '1 hour'"
        + " WHERE broker_id = 'a' AND seq = 2");
    try (Connection c = store.connection()) {
      StoreVerifier.BrokerReport r = StoreVerifier.verify(c, Optional.of("a"),
          List.of(signer.publicKey())).get(0);
      assertTrue(r.report().ok(), "the lines themselves are intact: " + r);
      assertFalse(r.ok(), r.toString());
      assertEquals(List.of(
          new StoreVerifier.ColumnMismatch(1, "access_key_id", "", "ASIAA0000"),
          new StoreVerifier.ColumnMismatch(2, "time", "2026-11-20T11:00:01Z",
              "2026-11-20T10:00:01Z"),
          new StoreVerifier.ColumnMismatch(3, "subject", "user-9", "user-2")), r.columns());
      assertEquals(3, r.mismatchedRows());
    }
    exec("UPDATE audit_records SET subject = 'user-2' WHERE broker_id = 'a' AND seq = 3");
    exec("UPDATE audit_records SET access_key_id = 'ASIAA0000' WHERE broker_id = 'a' AND seq = 1");
    exec("UPDATE audit_records SET time = time - interval '1 hour'"
        + " WHERE broker_id = 'a' AND seq = 2");
    try (Connection c = store.connection()) {
      assertTrue(StoreVerifier.verify(c, Optional.of("a"), List.of(signer.publicKey())).get(0)
          .ok(), "put back, every column agrees again");
    }
    store.ship("n", new TrailLines("n", signer).decision(T0.plusNanos(123_456_789), "x", "r",
        Decision.ALLOW, "").stored(), T0);
    try (Connection c = store.connection()) {
      StoreVerifier.BrokerReport nanos = StoreVerifier.verify(c, Optional.of("n"), List.of())
          .get(0);
      assertTrue(nanos.ok(), "a line's nanoseconds, kept to microseconds by the column: " + nanos);
    }
  }

  @Test
  void applyRetention_dropsWholeMonthsOlderThanTheRetention() throws Exception {
    StoreConfig keep = new StoreConfig(config.postgres(), Optional.of(Duration.ofDays(60)), 10,
        Duration.ofSeconds(1));
    try (AuditStore s = AuditStore.create(keep)) {
      s.prepare(T0);
      s.ship("old", new TrailLines("old", signer)
          .decision(Instant.parse("2026-08-15T00:00:00Z"), "x", "r", Decision.ALLOW, "")
          .decision(Instant.parse("2026-09-15T00:00:00Z"), "x", "r", Decision.ALLOW, "").stored(),
          T0);
      assertEquals(List.of("audit_records_2026_08"), s.applyRetention(T0));
      assertEquals(1, count("SELECT count(*) FROM audit_records"));
    }
  }

  /** {@code n} decisions (users 0.., the odd ones denied) a second apart, then a checkpoint. */
  static TrailLines trail(String broker, int n) {
    TrailLines t = new TrailLines(broker, signer);
    for (int i = 0; i < n; i++) {
      Decision d = i % 2 == 0 ? Decision.ALLOW : Decision.DENY;
      t.decision(T0.plusSeconds(i), "user-" + i, "role-" + i, d,
          d == Decision.ALLOW ? "ASIA" + broker.toUpperCase() + String.format("%04d", i) : "");
    }
    return t.checkpoint(T0.plusSeconds(n));
  }


  private List<AuditEntry> search(AuditQuery q) throws Exception {
    List<AuditEntry> out = new ArrayList<>();
    try (Connection c = store.connection()) {
      StoreSearch.run(c, q, out::add);
    }
    return out;
  }

  private long count(String sql) throws Exception {
    try (Connection c = pg().connect(config.postgres().url()); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private void exec(String sql) throws Exception {
    try (Connection c = pg().connect(config.postgres().url()); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
