package dev.credbroker.server.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.AuditFiles;
import dev.credbroker.core.audit.AuditQuery;
import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.audit.AuditVerifier;
import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.core.config.StoreConfig;
import dev.credbroker.server.audit.AuditWriter;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.testing.LogCapture;
import dev.credbroker.server.testing.Scrape;
import dev.credbroker.store.StoreVerifier;
import dev.credbroker.store.testing.PostgresCluster;
import dev.credbroker.store.testing.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipper with the real audit writer and a real PostgreSQL: two brokers sharing one store, a
 * store outage that blocks nothing and loses nothing, and a local trail cut below what the store
 * holds.
 */
class AuditShipperTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  private static PostgresCluster pg() {
    return postgres.cluster();
  }

  @TempDir Path dir;



  @Test
  void twoBrokers_oneStore_searchSeesBoth_andEachChainVerifies() throws Exception {
    StoreConfig store = pg().newStore();
    try (Broker a = new Broker("broker-a", store); Broker b = new Broker("broker-b", store)) {
      a.issue(3, "alice");
      b.issue(4, "bob");
      awaitShipped(a);
      awaitShipped(b);
      List<AuditEntry> all = new ArrayList<>();
      a.fleet.source().search(AuditQuery.all(100), all::add);
      assertEquals(7, all.size(), "both brokers' decisions, searched from a");
      List<AuditEntry> bobs = new ArrayList<>();
      a.fleet.source().search(AuditQuery.all(100).with(AuditQuery.Field.SUBJECT, "bob"),
          bobs::add);
      assertEquals(4, bobs.size());
      assertTrue(bobs.stream().allMatch(e -> e.field("broker_id").equals("broker-b")));
      List<AuditEntry> fromB = new ArrayList<>();
      b.fleet.source().search(AuditQuery.all(100), fromB::add);
      assertEquals(all.stream().map(AuditEntry::json).toList(),
          fromB.stream().map(AuditEntry::json).toList(), "the same answer from either replica");
    }
    try (Connection c = pg().connect(store.postgres().url())) {
      List<StoreVerifier.BrokerReport> reports = StoreVerifier.verify(c, Optional.empty(),
          List.of(key("broker-a"), key("broker-b")));
      assertEquals(2, reports.size());
      for (StoreVerifier.BrokerReport r : reports) {
        assertTrue(r.report().ok(), r.toString());
        assertTrue(r.report().checkpoints() >= 1, "the closing checkpoint was shipped: " + r);
        assertEquals(0, r.report().unsealed(), r.toString());
      }
    }
  }

  @Test
  void storeDown_issuanceContinues_andTheShipperCatchesUpWithNothingMissingOrDuplicated()
      throws Exception {
    StoreConfig store = pg().newStore();
    try (Broker a = new Broker("broker-a", store); LogCapture logs = new LogCapture()) {
      a.issue(5, "alice");
      awaitShipped(a);
      pg().stop();
      try {
        a.issue(20, "during-outage"); // each completes only once written locally
        await(a, () -> a.fleet.shipper().failing(), () -> "the shipper notices the outage");
      } finally {
        pg().startServer();
      }
      a.issue(5, "after");
      awaitShipped(a);
      assertEquals(30, count(store, "SELECT count(*) FROM audit_records WHERE type = 'decision'"));
      assertEquals(a.localRecords(), count(store, "SELECT count(*) FROM audit_records"),
          "every local record once");
      List<String> shipper = logs.lines().stream()
          .filter(l -> l.startsWith(AuditShipper.class.getName())).toList();
      assertEquals(1, shipper.stream().filter(l -> l.contains("unreachable")).count(), shipper
          .toString());
      assertEquals(1, shipper.stream().filter(l -> l.contains("shipping resumed")).count(),
          shipper.toString());
      assertEquals(List.of(), logs.withStackTraces(), "no stack traces for an outage");
      String all = String.join("\n", logs.lines());
      assertFalse(all.contains(pg().password()), "never the store's password");
    }
  }

  @Test
  void shipperLag_scrapedWhileTheStoreIsDown_isAboveZero_andBackToZeroWhenItReturns()
      throws Exception {
    StoreConfig store = pg().newStore();
    BrokerMetrics metrics = BrokerMetrics.detached();
    java.util.concurrent.atomic.AtomicLong records = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicReference<Duration> behind =
        new java.util.concurrent.atomic.AtomicReference<>(Duration.ZERO);
    AuditShipper.Lag lag = (n, d) -> {
      metrics.audit().shipperLag(n, d);
      records.set(n);
      behind.set(d);
    };
    try (Broker a = new Broker("broker-a", store, lag)) {
      a.issue(3, "alice");
      awaitShipped(a);
      await(a, () -> records.get() == 0, () -> "no lag once shipped, at " + records.get());
      assertEquals(0, scrape(metrics).value("credbroker_audit_shipper_lag_records"));
      pg().stop();
      try {
        a.issue(7, "during-outage");
        await(a, () -> records.get() >= 7 && behind.get().toMillis() >= 10,
            () -> "lag reported during the outage: " + records.get() + " records, " + behind);
        Scrape down = scrape(metrics);
        assertTrue(down.value("credbroker_audit_shipper_lag_records") >= 7, down.text());
        assertTrue(down.value("credbroker_audit_shipper_lag_seconds") > 0, down.text());
        assertEquals(a.localHead() - a.fleet.shipper().shippedSeq(),
            down.value("credbroker_audit_shipper_lag_records"), "the records not in the store");
      } finally {
        pg().startServer();
      }
      awaitShipped(a);
      await(a, () -> records.get() == 0, () -> "caught up, lag " + records.get());
      Scrape up = scrape(metrics);
      assertEquals(0, up.value("credbroker_audit_shipper_lag_records"), up.text());
      assertEquals(0, up.value("credbroker_audit_shipper_lag_seconds"), up.text());
    }
  }

  /** The metrics as the broker's /metrics serves them, parsed by the Prometheus client. */
  private static Scrape scrape(BrokerMetrics metrics) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create()
        .write(out, metrics.registry().scrape());
    return Scrape.parse(out.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void localTrailCutBelowTheStore_isFoundAgainstTheStoresHead() throws Exception {
    StoreConfig store = pg().newStore();
    Path live;
    try (Broker a = new Broker("broker-a", store)) {
      a.issue(6, "alice");
      awaitShipped(a);
      live = a.live;
    }
    // cut the last three complete records from the file, as someone hiding them would
    List<String> lines = Files.readAllLines(live);
    Files.write(live, lines.subList(0, lines.size() - 3));
    AuditVerifier.Head head;
    try (Connection c = pg().connect(store.postgres().url())) {
      head = StoreVerifier.head(c, "broker-a").orElseThrow();
    }
    AuditVerifier.Report local = AuditVerifier.verify(AuditFiles.segments(live),
        new AuditVerifier.Options(Optional.of(key("broker-a")), Optional.of(head)));
    assertTrue(local.problem().orElseThrow().what().contains("expected head seq " + head.seq()),
        local.toString());
  }

  private void awaitShipped(Broker b) throws Exception {
    await(b, () -> b.fleet.shipper().shippedSeq() == b.localHead(), () -> "shipped up to the local"
        + " head " + b.localHead() + ", at " + b.fleet.shipper().shippedSeq());
  }

  /** Waits, round by round of {@code b}'s shipper, until {@code condition} holds. */
  private static void await(Broker b, BooleanSupplier condition,
      java.util.function.Supplier<String> what) throws InterruptedException {
    if (!b.fleet.shipper().awaitRound(condition, WAIT)) {
      throw new AssertionError("not within " + WAIT + ": " + what.get());
    }
  }

  private java.security.PublicKey key(String broker) throws Exception {
    return AuditSigner.readPublicKey(dir.resolve(broker).resolve("audit-signing.key.pub"));
  }

  private static long count(StoreConfig store, String sql) throws Exception {
    try (Connection c = pg().connect(store.postgres().url()); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** One broker's audit writer and fleet store, in its own folder. */
  private final class Broker implements AutoCloseable {
    final Path live;
    final AuditWriter writer;
    final FleetStore fleet;

    Broker(String id, StoreConfig store) throws Exception {
      this(id, store, AuditShipper.Lag.NONE);
    }

    Broker(String id, StoreConfig store, AuditShipper.Lag lag) throws Exception {
      Path home = Files.createDirectories(dir.resolve(id));
      live = home.resolve("audit.jsonl");
      AuditConfig base = AuditConfig.toFile(live);
      AuditConfig config = new AuditConfig(base.sink(), base.file(), true, base.durability(),
          base.maxFileBytes(), base.rotateEvery(), base.informational(), base.sampleRate(),
          List.of(), new AuditConfig.Sealing(Optional.empty(), Duration.ofMinutes(1),
              Optional.of(id)), Optional.of(store));
      writer = AuditWriter.open(config, Clock.systemUTC());
      fleet = FleetStore.start(config, Clock.systemUTC(), lag).orElseThrow();
    }

    void issue(int n, String subject) throws Exception {
      for (int i = 0; i < n; i++) {
        writer.append(new AuditEvent(Instant.now(), subject + "-" + i,
            dev.credbroker.core.audit.Rpc.GET_AWS_CREDENTIALS,
            Optional.of(new AuditEvent.Caller("https://idp", subject, "c", Map.of())), "", "",
            Optional.of("deployer"), Optional.empty(), AuditEvent.Decision.ALLOW, List.of(),
            "ok", dev.credbroker.core.audit.StatusCode.OK, Optional.empty(), Optional.empty(),
            AuditEvent.Cache.MISS, "",
            Duration.ZERO)).get();
      }
    }

    long localHead() {
      try {
        return new TrailReader(live).localHead();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    long localRecords() throws Exception {
      return Files.readAllLines(live).size();
    }

    @Override
    public void close() {
      writer.close();
      fleet.close();
    }
  }
}
