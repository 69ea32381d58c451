package dev.credbroker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.AuditQuery;
import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.config.StoreConfig;
import dev.credbroker.store.testing.PostgresCluster;
import dev.credbroker.store.testing.TrailLines;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever a caller puts in a filter or a request (quotes, SQL, NUL, lone surrogates, 3,000
 * characters), the store answers with matches or nothing, never a database error: values travel
 * as bind parameters, and the columns map what PostgreSQL cannot hold.
 */
class StoreSearchHostileTest {
  static PostgresCluster pg;
  static AuditStore store;

  @BeforeContainer
  static void start() throws Exception {
    pg = PostgresCluster.start();
    StoreConfig config = pg.newStore();
    store = AuditStore.create(config);
    store.prepare(Instant.parse("2026-11-20T00:00:00Z"));
    AuditSigner signer = AuditSigner.loadOrCreate(Files.createTempDirectory("k").resolve("k"));
    store.ship("b", new TrailLines("b", signer)
        .decision(Instant.parse("2026-11-20T10:00:00Z"), "x'; DROP TABLE audit_records; --",
            "r\u0000" + "é".repeat(3000), AuditEvent.Decision.ALLOW, "ASIA1")
        .stored(),
        Instant.parse("2026-11-20T10:00:00Z"));
  }

  @AfterContainer
  static void stop() throws Exception {
    store.close();
    pg.close();
  }

  @Property(tries = 200)
  void anyFilterValues_answerWithoutADatabaseError(@ForAll("hostile") String value,
      @ForAll("fields") AuditQuery.Field field, @ForAll boolean after) throws Exception {
    Map<AuditQuery.Field, String> equal = new EnumMap<>(AuditQuery.Field.class);
    equal.put(field, value);
    AuditQuery q = new AuditQuery(Optional.empty(), Optional.empty(), equal, Optional.empty(),
        after ? Optional.of(value) : Optional.empty(), 10);
    try (Connection c = store.connection()) {
      StoreSearch.run(c, q, e -> true); // throws StoreException on any SQL error
    }
  }

  @Property(tries = 5)
  void hostileStoredValues_areFoundByTheirExactValue(@ForAll boolean bySubject) throws Exception {
    AuditQuery q = bySubject
        ? AuditQuery.all(10).with(AuditQuery.Field.SUBJECT, "x'; DROP TABLE audit_records; --")
        : AuditQuery.all(10).with(AuditQuery.Field.ROLE, "r\u0000" + "é".repeat(3000));
    List<AuditEntry> found = new ArrayList<>();
    try (Connection c = store.connection()) {
      StoreSearch.run(c, q, found::add);
    }
    assertEquals(1, found.size());
    List<AuditEntry> near = new ArrayList<>();
    try (Connection c = store.connection()) {
      StoreSearch.run(c, AuditQuery.all(10).with(AuditQuery.Field.ROLE,
          "r\u0000" + "é".repeat(2999)), near::add);
    }
    assertEquals(0, near.size(), "a value sharing the column's cut prefix is not a match");
  }

  @Provide
  Arbitrary<String> hostile() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(3000),
        Arbitraries.strings().withChars('\'', '"', '\\', ';', '-', '\0', '%', '_', '(', ')')
            .ofMaxLength(50),
        Arbitraries.of("' OR '1'='1", "x'); DROP TABLE audit_records; --", "\uD800", "\u0000",
            "$1", "?", "\\x00"));
  }

  @Provide
  Arbitrary<AuditQuery.Field> fields() {
    return Arbitraries.of(AuditQuery.Field.class);
  }
}
