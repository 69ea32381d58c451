package dev.credbroker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;

/**
 * Access review's daily rollup ({@code audit_usage_daily}, schema version 3): per UTC day, the
 * decisions of each usage (identity, target, outcome, rules, recorded claims) counted and dated,
 * so a review reads a row per usage and day instead of every record's JSON. The shipper adds a
 * batch's rows in the transaction that stores the batch, from the records that statement actually
 * inserted, so shipping a batch again never counts it twice. The expressions here are the ones the
 * V3 migration backfills with: a usage shipped later adds to the row the backfill wrote.
 */
final class UsageRollup {
  private UsageRollup() {}

  /**
   * An upsert of the rollup rows of the decision records in {@code source} (a table or a
   * {@code WITH} query with audit_records' columns), adding to the rows already stored. Rows are
   * written in key order, so two brokers adding to the same usages wait for each other instead of
   * deadlocking.
   */
  static String upsertFrom(String source) {
    return "INSERT INTO audit_usage_daily (day, usage_key, issuer, subject, client_id, role,"
        + " secret, decision, rule_ids, claims, count, last)"
        + " SELECT day, sha256(convert_to(json_build_array(issuer, subject, client_id, role,"
        + " secret, decision, rule_ids, claims)::text, 'UTF8')) AS usage_key, issuer, subject,"
        + " client_id, role, secret, decision, rule_ids, claims, count(*), max(time)"
        + " FROM (SELECT (time AT TIME ZONE 'UTC')::date AS day, issuer, subject, client_id, role,"
        + " secret, decision, (j -> 'rule_ids')::text AS rule_ids,"
        + " (j -> 'caller' -> 'claims')::text AS claims, time"
        + " FROM (SELECT *, replace(record, '\\u0000', '\\ufffd')::json AS j FROM " + source
        + " WHERE type = 'decision') r) f"
        + " GROUP BY day, issuer, subject, client_id, role, secret, decision, rule_ids, claims"
        + " ORDER BY day, usage_key"
        + " ON CONFLICT (day, usage_key) DO UPDATE SET"
        + " count = audit_usage_daily.count + EXCLUDED.count,"
        + " last = greatest(audit_usage_daily.last, EXCLUDED.last)";
  }

  /** Deletes the days before {@code firstKept}: retention keeps the rollup to the records kept. */
  static int dropBefore(Connection c, LocalDate firstKept) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "DELETE FROM audit_usage_daily WHERE day < ?")) {
      s.setObject(1, firstKept);
      return s.executeUpdate();
    }
  }
}
