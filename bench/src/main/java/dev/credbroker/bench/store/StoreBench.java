package dev.credbroker.bench.store;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.AuditFiles;
import dev.credbroker.core.audit.AuditQuery;
import dev.credbroker.core.audit.AuditSearch;
import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.config.StoreConfig;
import dev.credbroker.core.policy.AccessReview;
import dev.credbroker.server.fleet.AuditShipper;
import dev.credbroker.store.AuditStore;
import dev.credbroker.store.StoreSearch;
import dev.credbroker.store.StoreUsage;
import dev.credbroker.store.testing.PostgresCluster;
import dev.credbroker.store.testing.TrailLines;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The fleet store at size: a throwaway PostgreSQL 15 at schema version 2 filled with generated
 * records across four brokers over a year of monthly partitions ({@link StoreFill}), migrated to
 * the current version the way a broker does at start (version 3 backfills access review's daily
 * rollup from those records: the upgrade's cost, measured), then the latency of the questions
 * reviewers ask (subject search over 24 hours and 90 days, newest-first page of 100; access key id
 * lookup; access review over 90 days), the real shipper's sustained rate from a real trail file,
 * and a file scan of that trail for comparison. Not a test: numbers for docs/performance.md.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.credbroker.bench.store.StoreBench
 * --records 10000000}
 */
public final class StoreBench {
  private StoreBench() {}

  /** What to run. */
  public record Options(long records, int brokers, int samples, int reviews, int shipRecords) {
    static Options parse(String... args) {
      long records = 10_000_000;
      int samples = 300;
      int reviews = 5;
      int ship = 100_000;
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : "";
        switch (args[i]) {
          case "--records" -> records = Long.parseLong(value);
          case "--samples" -> samples = Integer.parseInt(value);
          case "--reviews" -> reviews = Integer.parseInt(value);
          case "--ship-records" -> ship = Integer.parseInt(value);
          default -> throw new IllegalArgumentException("unknown option " + args[i]
              + "; use --records N, --samples N, --reviews N, --ship-records N");
        }
        i++;
      }
      if (records < 1000 || samples < 1 || reviews < 1 || ship < 1) {
        throw new IllegalArgumentException("--records at least 1000; the others at least 1");
      }
      return new Options(records, 4, samples, reviews, ship);
    }
  }

  /** Latencies of one question, in milliseconds, and how many rows its samples returned. */
  public record Latency(double p50, double p99, double max, long rows, int samples) {}

  /** Everything measured. */
  public record Result(long records, Duration fill, Duration migrate, Map<String, Latency> questions,
      double shipperPerSecond, int shipped, Duration fileScan, long fileRecords,
      Map<String, Long> bytes, int reviewGroups) {}

  public static void main(String[] args) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("store bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      System.out.println(render(run(o, line -> System.err.println("store bench: " + line))));
      System.exit(0);
    } catch (Exception e) {
      System.err.println("store bench: failed: " + e);
      System.exit(1);
    }
  }

  static Result run(Options o, Consumer<String> progress) throws Exception {
    Instant now = Instant.now();
    Instant start = now.minus(Duration.ofDays(365));
    Path dir = Files.createTempDirectory("credbroker-store-bench-");
    try (PostgresCluster pg = PostgresCluster.start()) {
      tune(pg);
      StoreConfig config = pg.newStore();
      pg.migrateTo(config, StoreFill.FILLED_VERSION);
      Map<String, Latency> q = new LinkedHashMap<>();
      Map<String, Long> bytes;
      int groups;
      long fillStart = System.nanoTime();
      try (Connection c = pg.connect(config.postgres().url())) {
        StoreFill.partitions(c, start, now);
        StoreFill.fill(c, o.records(), o.brokers(), start, now, progress);
        Duration fill = Duration.ofNanos(System.nanoTime() - fillStart);
        progress.accept("filled in " + fill.toSeconds() + " s");
        long migrateStart = System.nanoTime();
        try (AuditStore store = AuditStore.create(config)) {
          progress.accept(store.prepare(now));
        }
        Duration migrate = Duration.ofNanos(System.nanoTime() - migrateStart);
        try (Statement s = c.createStatement()) {
          s.execute("ANALYZE audit_usage_daily");
        }
        progress.accept("migrated in " + migrate.toSeconds() + " s");
        SplittableRandom random = new SplittableRandom(42);
        q.put("subject, last 24 h", measure(o.samples(), () -> search(c, query(
            AuditQuery.Field.SUBJECT, StoreFill.subject(random.nextLong(o.records())),
            now.minus(Duration.ofHours(24))))));
        q.put("subject, last 90 d", measure(o.samples(), () -> search(c, query(
            AuditQuery.Field.SUBJECT, StoreFill.subject(random.nextLong(o.records())),
            now.minus(Duration.ofDays(90))))));
        q.put("access key id", measure(o.samples(), () -> {
          long i;
          do {
            i = random.nextLong(o.records());
          } while (!StoreFill.issuesKey(i));
          return search(c, AuditQuery.all(100).with(AuditQuery.Field.ACCESS_KEY_ID,
              StoreFill.accessKeyId(i)));
        }));
        progress.accept("searches measured");
        BrokerConfig policy = policy(dir);
        int[] seen = {0};
        q.put("access review, 90 d", measure(o.reviews(), () -> {
          var usages = StoreUsage.run(c, now.minus(Duration.ofDays(90)), now);
          seen[0] = usages.size();
          AccessReview.Report r = AccessReview.of(policy, usages, now.minus(Duration.ofDays(90)),
              now);
          return r.used().size();
        }));
        groups = seen[0];
        progress.accept("access review measured");
        bytes = sizes(c);
        Path live = trail(dir, o.shipRecords(), now);
        long shipStart = System.nanoTime();
        double perSecond;
        try (AuditStore store = AuditStore.create(config)) {
          AuditShipper shipper = AuditShipper.start(store, live, "bench-shipper", config,
              Clock.systemUTC(), AuditShipper.Lag.NONE);
          try {
            if (!shipper.awaitRound(() -> shipper.shippedSeq() >= o.shipRecords(),
                Duration.ofMinutes(30))) {
              throw new IllegalStateException("the shipper did not finish: at seq "
                  + shipper.shippedSeq());
            }
            perSecond = o.shipRecords() / ((System.nanoTime() - shipStart) / 1e9);
          } finally {
            shipper.close();
          }
        }
        progress.accept("shipper measured");
        long scanStart = System.nanoTime();
        int found = AuditSearch.run(AuditFiles.segments(live), AuditQuery.all(100)
            .with(AuditQuery.Field.SUBJECT, StoreFill.subject(1)), e -> true);
        Duration scan = Duration.ofNanos(System.nanoTime() - scanStart);
        if (found == 0) {
          throw new IllegalStateException("the file scan found nothing");
        }
        return new Result(o.records(), fill, migrate, q, perSecond, o.shipRecords(), scan,
            o.shipRecords(), bytes, groups);
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Settings for a bulk load on a throwaway cluster: more memory; restarted to apply them. */
  private static void tune(PostgresCluster pg) throws Exception {
    try (Connection c = pg.connect(); Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET shared_buffers = '1GB'");
      s.execute("ALTER SYSTEM SET maintenance_work_mem = '512MB'");
      s.execute("ALTER SYSTEM SET work_mem = '64MB'");
      s.execute("ALTER SYSTEM SET max_wal_size = '8GB'");
    }
    pg.stop();
    pg.startServer();
  }

  private interface Sample {
    long rows() throws Exception;
  }

  /** Runs {@code sample} {@code n} times (after one warm-up run) and sorts the latencies. */
  private static Latency measure(int n, Sample sample) throws Exception {
    sample.rows();
    double[] ms = new double[n];
    long rows = 0;
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      rows += sample.rows();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    java.util.Arrays.sort(ms);
    return new Latency(ms[(int) Math.floor(0.5 * (n - 1))], ms[(int) Math.ceil(0.99 * (n - 1))],
        ms[n - 1], rows, n);
  }

  /** A newest-first page of 100 with one filter, since {@code since}. */
  private static AuditQuery query(AuditQuery.Field f, String value, Instant since) {
    return new AuditQuery(Optional.of(since), Optional.empty(), Map.of(f, value),
        Optional.empty(), Optional.empty(), 100);
  }

  private static long search(Connection c, AuditQuery q) throws Exception {
    return StoreSearch.run(c, q, e -> true);
  }

  /** The policy the generated traffic follows, plus a rule nobody matches. */
  private static BrokerConfig policy(Path dir) throws Exception {
    StringBuilder y = new StringBuilder("server: {listen: 127.0.0.1:8443}\nroles:\n");
    for (int r = 0; r < StoreFill.ROLES; r++) {
      y.append("  role-").append(r).append(": {arn: \"arn:aws:iam::123456789012:role/role-")
          .append(r).append("\"}\n");
    }
    y.append("secrets:\n");
    for (int s = 0; s < StoreFill.SECRETS; s++) {
      y.append("  secret-").append(s).append(": {id: app/secret-").append(s).append("}\n");
    }
    y.append("rules:\n");
    for (int r = 0; r < StoreFill.ROLES; r++) {
      y.append("  - {id: rule-").append(r).append(", when: {claims: {groups: {contains: g-")
          .append(r).append("}}}, roles: [role-").append(r).append("], secrets: [secret-")
          .append(r % StoreFill.SECRETS).append("]}\n");
    }
    y.append("  - {id: legacy, when: {claims: {groups: {contains: legacy}}}, roles: [role-0]}\n");
    y.append("  - {id: deny-suspended, effect: deny,"
        + " when: {claims: {suspended: {equals: yes}}}}\n");
    return ConfigLoader.loadOffline(Files.writeString(dir.resolve("policy.yaml"), y));
  }

  /** Heap and index sizes of audit_records (over all partitions) and of the usage rollup. */
  private static Map<String, Long> sizes(Connection c) throws Exception {
    Map<String, Long> out = new LinkedHashMap<>();
    String[] names = {"audit_records", "audit_records_pkey", "audit_records_time",
        "audit_records_subject", "audit_records_client", "audit_records_role",
        "audit_records_secret", "audit_records_access_key", "audit_records_session",
        "audit_records_request", "audit_usage_daily", "audit_usage_daily_pkey"};
    try (Statement s = c.createStatement()) {
      for (String n : names) {
        // a table that is not partitioned has no partition tree: its own size then
        try (ResultSet r = s.executeQuery("SELECT coalesce((SELECT sum(pg_table_size(relid)) FROM"
            + " pg_partition_tree('" + n + "')), pg_table_size('" + n + "'))")) {
          r.next();
          out.put(n, r.getLong(1));
        }
      }
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM audit_usage_daily")) {
        r.next();
        out.put("audit_usage_daily rows", r.getLong(1));
      }
    }
    return out;
  }

  /** A real trail: {@code n} decisions and a checkpoint every 1000, as the broker chains them. */
  private static Path trail(Path dir, int n, Instant now) throws Exception {
    TrailLines t = new TrailLines("bench-shipper", AuditSigner.loadOrCreate(dir.resolve("k")));
    Path live = dir.resolve("audit.jsonl");
    int written = 0;
    try (BufferedWriter w = Files.newBufferedWriter(live, StandardCharsets.UTF_8)) {
      for (long i = 0; t.seq() < n; i++) {
        if (i % 1000 == 999) {
          t.checkpoint(now);
        } else {
          t.decision(now, StoreFill.subject(i), "role-" + (i % StoreFill.ROLES),
              AuditEvent.Decision.ALLOW, StoreFill.accessKeyId(1L << 40 | i));
        }
        List<byte[]> lines = t.lines();
        for (; written < lines.size(); written++) {
          w.write(TrailLines.text(lines.get(written)));
          w.write('\n');
        }
      }
    }
    return live;
  }

  /** The report section for docs/performance.md. */
  static String render(Result r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("Fleet store: %,d records, 4 brokers, 13 monthly partitions (filled in"
        + " %d s; migrated from schema version 2, backfilling the usage rollup, in %.1f s)%n%n",
        r.records(), r.fill().toSeconds(), r.migrate().toMillis() / 1000.0));
    b.append("| question | p50 ms | p99 ms | max ms | samples | rows returned |\n");
    b.append("|---|---:|---:|---:|---:|---:|\n");
    r.questions().forEach((k, v) -> b.append(String.format("| %s | %.1f | %.1f | %.1f | %d | %,d"
        + " |%n", k, v.p50(), v.p99(), v.max(), v.samples(), v.rows())));
    b.append(String.format("%nAccess review groups read back (90 d): %,d%n", r.reviewGroups()));
    b.append(String.format("Shipper: %,d records from a real trail in %s: %,.0f records/s%n",
        r.shipped(), "one broker", r.shipperPerSecond()));
    b.append(String.format("File scan (AuditSearch, one subject, newest 100): %,d records in %d ms"
        + " = %,.0f records/s%n", r.fileRecords(), r.fileScan().toMillis(),
        r.fileRecords() / (r.fileScan().toNanos() / 1e9)));
    b.append("\n| relation | bytes (rows for \"rows\") |\n|---|---:|\n");
    r.bytes().forEach((k, v) -> b.append(String.format("| %s | %,d |%n", k, v)));
    return b.toString();
  }
}
