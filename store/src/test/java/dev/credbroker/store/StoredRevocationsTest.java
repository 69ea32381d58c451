package dev.credbroker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.StoreConfig;
import dev.credbroker.core.revocation.Revocation;
import dev.credbroker.core.revocation.RevocationTarget;
import dev.credbroker.store.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet's revocations table on a real PostgreSQL 15, and the migration that adds it to a
 * store already holding version 1's audit records.
 */
class StoredRevocationsTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();
  static final Instant T0 = Instant.parse("2026-11-30T15:00:00Z");

  @Test
  void addLoadRemove_isWhatEveryReplicaReads() throws Exception {
    StoreConfig config = postgres.cluster().newStore();
    try (AuditStore store = AuditStore.create(config)) {
      store.prepare(T0);
      StoredRevocations revocations = store.revocations();
      assertEquals(List.of(), revocations.load());
      Revocation second = revocation("rv-000000000002", T0.plusSeconds(1));
      Revocation first = revocation("rv-000000000001", T0);
      assertTrue(revocations.add(second));
      assertTrue(revocations.add(first));
      assertFalse(revocations.add(first), "the same id twice");
      try (AuditStore replica = AuditStore.create(config)) {
        assertEquals(List.of(first, second), replica.revocations().load(), "oldest first");
      }
      assertTrue(revocations.remove(first.id()));
      assertFalse(revocations.remove(first.id()));
      assertEquals(List.of(second), revocations.load());

      try (Connection c = postgres.cluster().connect(config.postgres().url());
          Statement s = c.createStatement()) {
        s.execute("INSERT INTO revocations VALUES ('rv-bad', now(), '{\"id\":\"rv-bad\"}')");
      }
      StoreException unreadable = assertThrows(StoreException.class, revocations::load);
      assertTrue(unreadable.getMessage().contains("rv-bad"), unreadable.getMessage());
    }
  }

  @Test
  void aVersion1Store_isMigratedToTheCurrentVersion_keepingItsRecords() throws Exception {
    StoreConfig config = postgres.cluster().newStore();
    try (AuditStore store = AuditStore.create(config)) {
      postgres.cluster().migrateTo(config, "1");
      List<StoredRecord> records = new dev.credbroker.store.testing.TrailLines("a",
              dev.credbroker.core.audit.AuditSigner.loadOrCreate(
                  java.nio.file.Files.createTempDirectory("k").resolve("k")))
          .decision(T0, "alice", "deployer", dev.credbroker.core.audit.AuditEvent.Decision.ALLOW,
              "ASIAEXAMPLE0000001").stored();
      try (java.sql.Connection c = store.connection()) {
        EarlierSchema.ship(c, "a", records);
      }

      assertTrue(store.prepare(T0).contains("migrated from schema version 1 to 3"));
      assertEquals(records.size(), (int) store.position("a").seq());
      assertTrue(store.revocations().add(revocation("rv-000000000003", T0)));
    }
  }

  private static Revocation revocation(String id, Instant created) {
    return new Revocation(id, new RevocationTarget.Subject("https://idp", "alice"), List.of(),
        List.of(), created, false, "INC-1", "iss admin", created, Optional.empty());
  }
}
