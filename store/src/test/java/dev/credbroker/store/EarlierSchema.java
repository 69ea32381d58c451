package dev.credbroker.store;

import dev.credbroker.core.config.StoreConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A store at an earlier schema version ({@code PostgresCluster.migrateTo}), written as that
 * version's broker wrote it (records and position, no rollup): what the migration tests start
 * from.
 */
final class EarlierSchema {
  private EarlierSchema() {}

  /** Stores {@code batch} as schema versions 1 and 2 did: a row per record, then the position. */
  static void ship(Connection c, String brokerId, List<StoredRecord> batch) throws SQLException {
    Partitions partitions = new Partitions();
    batch.forEach(r -> {
      try {
        partitions.ensure(c, List.of(Partitions.month(r.time())));
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_records (broker_id, record, "
        + String.join(", ", IndexedColumns.NAMES) + ") VALUES (?, ?"
        + ", ?".repeat(IndexedColumns.NAMES.size()) + ") ON CONFLICT DO NOTHING")) {
      for (StoredRecord r : batch) {
        s.setString(1, brokerId);
        s.setString(2, r.line());
        int i = 3;
        for (Object v : IndexedColumns.of(r)) {
          if (v instanceof OffsetDateTime || v instanceof Long) {
            s.setObject(i++, v);
          } else {
            s.setString(i++, (String) v);
          }
        }
        s.executeUpdate();
      }
    }
    StoredRecord last = batch.get(batch.size() - 1);
    try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_brokers (broker_id,"
        + " shipped_seq, shipped_hash, shipped_at) VALUES (?, ?, ?, now())")) {
      s.setString(1, brokerId);
      s.setLong(2, last.seq());
      s.setString(3, last.hash());
      s.executeUpdate();
    }
  }
}
