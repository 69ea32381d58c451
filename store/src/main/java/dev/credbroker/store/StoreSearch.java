package dev.credbroker.store;

import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.AuditQuery;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@link AuditQuery} over every broker's records in the store: the same filters as the file search,
 * newest first, one index-backed statement. Values only ever travel as bind parameters; the SQL
 * text is built from the query's field names alone. Pages are stable: a page continues strictly
 * after the previous page's last record in (time, broker id, seq) order, whatever was shipped
 * meanwhile.
 */
public final class StoreSearch {
  private static final String COLUMNS = "record, broker_id";

  private StoreSearch() {}

  /**
   * Streams matches to {@code sink} (false stops); returns how many were handed over. Each entry is
   * the record as its broker wrote it, plus {@code broker_id}.
   */
  public static int run(Connection c, AuditQuery q, Predicate<AuditEntry> sink)
      throws StoreException {
    List<Object> args = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS
        + " FROM audit_records WHERE type = 'decision'");
    q.since().ifPresent(t -> {
      sql.append(" AND time >= ?");
      args.add(AuditStore.utc(t));
    });
    q.until().ifPresent(t -> {
      sql.append(" AND time < ?");
      args.add(AuditStore.utc(t));
    });
    q.decision().ifPresent(d -> {
      sql.append(" AND decision = ?");
      args.add(d.name().toLowerCase(Locale.ROOT));
    });
    for (Map.Entry<AuditQuery.Field, String> f : q.equal().entrySet()) {
      sql.append(" AND ").append(f.getKey().column()).append(" = ?");
      args.add(Columns.of(f.getValue()));
    }
    q.afterRequestId().ifPresent(id -> {
      sql.append(" AND (time, broker_id, seq) < (SELECT time, broker_id, seq FROM audit_records"
          + " WHERE request_id = ? AND type = 'decision'"
          + " ORDER BY time DESC, broker_id DESC, seq DESC LIMIT 1)");
      args.add(Columns.of(id));
    });
    sql.append(" ORDER BY time DESC, broker_id DESC, seq DESC LIMIT ?");
    args.add(q.limit());
    try (PreparedStatement s = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        s.setObject(i + 1, args.get(i));
      }
      s.setFetchSize(Math.min(q.limit(), 500));
      int sent = 0;
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          AuditEntry entry = withBroker(r.getString(1), r.getString(2));
          if (!exactly(q, entry)) {
            continue; // a column holds a cut or mapped value; the record's own decides
          }
          sent++;
          if (!sink.test(entry)) {
            break;
          }
        }
      }
      return sent;
    } catch (SQLException e) {
      throw StoreException.of("the audit store search failed", e);
    }
  }

  private static boolean exactly(AuditQuery q, AuditEntry e) {
    return q.equal().entrySet().stream().allMatch(f -> f.getValue().equals(f.getKey().valueIn(e)));
  }

  /** The stored line, with the broker that shipped it added to its fields (not to its text). */
  static AuditEntry withBroker(String line, String brokerId) {
    return AuditEntry.parse(line.getBytes(StandardCharsets.UTF_8)).orElseThrow()
        .with("broker_id", brokerId);
  }
}
