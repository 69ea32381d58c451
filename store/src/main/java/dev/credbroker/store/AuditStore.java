package dev.credbroker.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.credbroker.core.audit.AuditChain;
import dev.credbroker.core.config.StoreConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.YearMonth;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The broker's side of the fleet store: a connection pool (HikariCP) that starts without the
 * database (a store outage never stops a broker from starting or serving), the schema brought up
 * to date, and the shipper's writes. Every write is idempotent: a record is keyed by
 * (broker id, seq) and shipping it again changes nothing.
 */
public final class AuditStore implements AutoCloseable {
  /**
   * A batch's records in one statement (one array per column, so any batch size binds the same
   * parameters) and access review's rollup rows of the records it actually inserted: a record
   * already stored adds nothing to either. Its one row is how many records it inserted.
   */
  private static final String INSERT_RECORDS = "WITH ins AS (INSERT INTO audit_records (broker_id,"
      + " record, " + String.join(", ", IndexedColumns.NAMES) + ") SELECT ?::text, * FROM unnest("
      + "?::text[]" + IndexedColumns.NAMES.stream().map(n -> ", ?::" + IndexedColumns.sqlType(n)
          + "[]").collect(Collectors.joining())
      + ") ON CONFLICT DO NOTHING RETURNING *), rolled AS (" + UsageRollup.upsertFrom("ins")
      + ") SELECT count(*) FROM ins";
  private static final String INSERT_CHECKPOINT = "INSERT INTO audit_checkpoints (broker_id, seq,"
      + " time, key_id, head_seq, head_hash, record, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT DO NOTHING";
  private static final String ADVANCE = "INSERT INTO audit_brokers (broker_id, shipped_seq,"
      + " shipped_hash, shipped_at) VALUES (?, ?, ?, ?) ON CONFLICT (broker_id) DO UPDATE SET"
      + " shipped_seq = EXCLUDED.shipped_seq, shipped_hash = EXCLUDED.shipped_hash,"
      + " shipped_at = EXCLUDED.shipped_at WHERE audit_brokers.shipped_seq < EXCLUDED.shipped_seq";

  private final StoreConfig config;
  private final HikariDataSource pool;
  private final Partitions partitions = new Partitions();

  private AuditStore(StoreConfig config, HikariDataSource pool) {
    this.config = config;
    this.pool = pool;
  }

  /** Where a broker's shipped records end: seq 0 and the genesis hash when none are stored. */
  public record Position(long seq, String hash) {
    public static final Position START = new Position(0, AuditChain.GENESIS);
  }

  /** A pool for {@code config}; it connects when first used, so the store may be down now. */
  public static AuditStore create(StoreConfig config) throws StoreException {
    HikariConfig h = new HikariConfig();
    h.setPoolName("credbroker-audit-store");
    h.setJdbcUrl(config.postgres().url());
    h.setDataSourceProperties(StoreConnections.properties(config.postgres()));
    h.setMaximumPoolSize(Math.max(2, config.postgres().poolSize())); // Flyway holds two at once
    h.setMinimumIdle(0);
    h.setInitializationFailTimeout(-1);
    h.setConnectionTimeout(StoreConnections.CONNECT_TIMEOUT_S * 1000L);
    h.setValidationTimeout(StoreConnections.CONNECT_TIMEOUT_S * 1000L);
    h.setRegisterMbeans(false);
    return new AuditStore(config, new HikariDataSource(h));
  }

  /**
   * Brings the schema up to date (or checks it, with {@code migrate: false}) and creates the
   * months ahead; returns one line for the operator.
   */
  public String prepare(Instant now) throws StoreException {
    StoreSchema.State state = StoreSchema.bringUpToDate(pool, config.postgres().migrate());
    try (Connection c = pool.getConnection()) {
      partitions.ensure(c, Partitions.around(now));
    } catch (SQLException e) {
      throw StoreException.of("cannot create the audit store's partitions", e);
    }
    String where = config.postgres().redactedUrl();
    if (state instanceof StoreSchema.Migrated m) {
      return "audit store " + where + " migrated from schema version " + m.from() + " to "
          + m.version() + " (" + m.applied() + " migrations)";
    }
    return "audit store " + where + " is at schema version " + state.version();
  }

  /** The last record stored for {@code brokerId}: where its shipper resumes. */
  public Position position(String brokerId) throws StoreException {
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
        "SELECT shipped_seq, shipped_hash FROM audit_brokers WHERE broker_id = ?")) {
      s.setString(1, brokerId);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? new Position(r.getLong(1), r.getString(2)) : Position.START;
      }
    } catch (SQLException e) {
      throw StoreException.of("cannot read the audit store's position for " + brokerId, e);
    }
  }

  /**
   * Stores {@code batch} (consecutive records of one broker, oldest first) in one transaction:
   * the records, the usage rollup of the records it added ({@link UsageRollup}), its checkpoints,
   * and the broker's new position. Returns how many records were new (records already stored are
   * skipped, and not counted again in the rollup).
   */
  public int ship(String brokerId, List<StoredRecord> batch, Instant now) throws StoreException {
    if (batch.isEmpty()) {
      return 0;
    }
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        TreeSet<YearMonth> months = new TreeSet<>();
        batch.forEach(r -> months.add(Partitions.month(r.time())));
        partitions.ensure(c, months);
        int added = insertRecords(c, brokerId, batch);
        insertCheckpoints(c, brokerId, batch);
        StoredRecord last = batch.get(batch.size() - 1);
        try (PreparedStatement s = c.prepareStatement(ADVANCE)) {
          s.setString(1, brokerId);
          s.setLong(2, last.seq());
          s.setString(3, last.hash());
          s.setObject(4, utc(now));
          s.executeUpdate();
        }
        c.commit();
        return added;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      partitions.forget(); // a month dropped meanwhile (retention elsewhere) is created again
      throw StoreException.of("cannot ship audit records to the store", e);
    }
  }

  /**
   * Drops the months older than {@code audit.store.retention}, and access review's rollup days
   * before the first month kept (a review never counts records the store no longer holds);
   * returns the months it dropped.
   */
  public List<String> applyRetention(Instant now) throws StoreException {
    if (config.retention().isEmpty()) {
      return List.of();
    }
    try (Connection c = pool.getConnection()) {
      partitions.ensure(c, Partitions.around(now));
      Instant cutoff = now.minus(config.retention().get());
      List<String> dropped = partitions.dropBefore(c, cutoff);
      UsageRollup.dropBefore(c, Partitions.month(cutoff).atDay(1));
      return dropped;
    } catch (SQLException e) {
      throw StoreException.of("cannot apply the audit store's retention", e);
    }
  }

  /** The fleet's revocations, in this store's pool. */
  public StoredRevocations revocations() {
    return new StoredRevocations(this);
  }

  /** A pooled connection for searches; the caller closes it. */
  public Connection connection() throws StoreException {
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      throw StoreException.of("cannot reach the audit store", e);
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  private static int insertRecords(Connection c, String brokerId, List<StoredRecord> batch)
      throws SQLException {
    int columns = IndexedColumns.NAMES.size();
    String[] lines = new String[batch.size()];
    String[][] values = new String[columns][batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      StoredRecord r = batch.get(i);
      lines[i] = r.line();
      List<Object> v = IndexedColumns.of(r);
      for (int col = 0; col < columns; col++) {
        values[col][i] = IndexedColumns.sqlText(v.get(col));
      }
    }
    try (PreparedStatement s = c.prepareStatement(INSERT_RECORDS)) {
      s.setString(1, brokerId);
      s.setArray(2, c.createArrayOf("text", lines));
      for (int col = 0; col < columns; col++) {
        s.setArray(3 + col, c.createArrayOf("text", values[col]));
      }
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  private static void insertCheckpoints(Connection c, String brokerId, List<StoredRecord> batch)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(INSERT_CHECKPOINT)) {
      boolean any = false;
      for (StoredRecord r : batch) {
        if (!r.isCheckpoint()) {
          continue;
        }
        s.setString(1, brokerId);
        s.setLong(2, r.seq());
        s.setObject(3, utc(r.time()));
        s.setString(4, r.entry().field("key_id"));
        s.setLong(5, r.entry().number("head_seq"));
        s.setString(6, r.entry().field("head_hash"));
        s.setString(7, r.line());
        s.setString(8, r.hash());
        s.addBatch();
        any = true;
      }
      if (any) {
        s.executeBatch();
      }
    }
  }

  static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
