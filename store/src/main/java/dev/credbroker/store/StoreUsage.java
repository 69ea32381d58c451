package dev.credbroker.store;

import dev.credbroker.core.audit.AccessUsage;
import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.UsageDays;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Access review's {@link AccessUsage}s from every broker's decisions in a window, summed by the
 * database from the daily rollup ({@code audit_usage_daily}, see {@link UsageRollup}): one row per
 * usage and day is read, never a record, and only the sums (identities by targets by outcome)
 * travel to the caller. The rollup is kept per UTC day, so a window covers whole days
 * ({@link UsageDays}). Identity and target are what the search columns hold (U+0000 as U+FFFD,
 * values cut to 500 characters, see {@link Columns}); rule ids and claims are the record's JSON,
 * with a recorded {@code \u0000} escape read as U+FFFD.
 */
public final class StoreUsage {
  private static final String SQL = "SELECT role, secret, issuer, subject, client_id,"
      + " json_build_object('decision', decision, 'rule_ids', rule_ids::json, 'claims',"
      + " claims::json)::text, sum(count), max(last) FROM audit_usage_daily"
      + " WHERE day >= ? AND day < ?"
      + " GROUP BY usage_key, role, secret, issuer, subject, client_id, decision, rule_ids, claims";

  private StoreUsage() {}

  /** The usages in the whole UTC days covering {@code [since, until)}, across every broker. */
  public static List<AccessUsage> run(Connection c, Instant since, Instant until)
      throws StoreException {
    UsageDays days = UsageDays.covering(since, until);
    try (PreparedStatement s = c.prepareStatement(SQL)) {
      s.setObject(1, LocalDate.ofInstant(days.since(), ZoneOffset.UTC));
      s.setObject(2, LocalDate.ofInstant(days.until(), ZoneOffset.UTC));
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
