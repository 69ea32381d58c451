package dev.credbroker.store;

import dev.credbroker.core.audit.AccessUsage;
import dev.credbroker.core.audit.AuditEntry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Access review's {@link AccessUsage}s from every broker's records in a window, grouped by the
 * database in one statement: only the groups (identities by targets by outcome) travel to the
 * caller, never the rows. The window is the time range of the partitions it reads; the rule ids
 * and claims come from each record's JSON (they have no columns). PostgreSQL cannot hold U+0000
 * in text, and its JSON operators refuse the escape {@code \u0000}, so one hostile claim would
 * fail every review: the escape is read as U+FFFD, as the search columns map it. Identity and
 * target are the indexed columns, which hold values cut to 500 characters (see {@link Columns}).
 */
public final class StoreUsage {
  private static final String SQL = "SELECT role, secret, issuer, subject, client_id, facts,"
      + " count(*), max(time) FROM (SELECT role, secret, issuer, subject, client_id, time,"
      + " json_build_object('decision', decision, 'rule_ids', j -> 'rule_ids', 'claims',"
      + " j -> 'caller' -> 'claims')::text AS facts FROM (SELECT role, secret, issuer, subject,"
      + " client_id, decision, time, replace(record, '\\u0000', '\\ufffd')::json AS j"
      + " FROM audit_records WHERE type = 'decision' AND time >= ? AND time < ?) r) f"
      + " GROUP BY role, secret, issuer, subject, client_id,"
      + " facts";

  private StoreUsage() {}

  /** The usages with {@code since <= time < until}, across every broker. */
  public static List<AccessUsage> run(Connection c, Instant since, Instant until)
      throws StoreException {
    try (PreparedStatement s = c.prepareStatement(SQL)) {
      s.setObject(1, AuditStore.utc(since));
      s.setObject(2, AuditStore.utc(until));
      s.setFetchSize(1000);
      List<AccessUsage> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          AuditEntry facts = AuditEntry.parse(r.getString(6).getBytes(StandardCharsets.UTF_8))
              .orElseThrow();
          out.add(new AccessUsage(text(r, 1), text(r, 2), text(r, 3), text(r, 4), text(r, 5),
              facts.decision(), AccessUsage.ruleIds(facts), facts.object("claims"), r.getLong(7),
              r.getObject(8, java.time.OffsetDateTime.class).toInstant()));
        }
      }
      return out;
    } catch (SQLException e) {
      throw StoreException.of("the audit store's access review failed", e);
    }
  }

  private static String text(ResultSet r, int column) throws SQLException {
    String v = r.getString(column);
    return v == null ? "" : v;
  }
}
