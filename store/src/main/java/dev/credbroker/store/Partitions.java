package dev.credbroker.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The monthly partitions of {@code audit_records} (UTC months, named
 * {@code audit_records_YYYY_MM}): created a few months ahead and for any month a shipped record
 * falls in (a late or clock-skewed trail), and dropped whole for retention, which deletes a month
 * in one cheap step instead of row by row. PostgreSQL-only DDL (declarative partitions).
 */
final class Partitions {
  /** Months created ahead of the current one. */
  static final int AHEAD = 3;
  private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'audit_records_'yyyy_MM");

  /** duplicate_table, unique_violation: another broker created the month at the same moment. */
  private static final Set<String> CREATED_CONCURRENTLY = Set.of("42P07", "23505");

  private final Set<YearMonth> known = ConcurrentHashMap.newKeySet();

  /** Creates the partitions of {@code months} that do not exist yet. */
  void ensure(Connection c, Collection<YearMonth> months) throws SQLException {
    for (YearMonth m : months) {
      if (known.contains(m)) {
        continue;
      }
      // Replicas starting together race to create the same month: IF NOT EXISTS is not atomic in
      // PostgreSQL, so the loser sees duplicate_table or a unique_violation on the catalog; the
      // month then exists, which is all this wants. A savepoint keeps a caller's transaction
      // usable after that error.
      Savepoint before = c.getAutoCommit() ? null : c.setSavepoint();
      try (Statement s = c.createStatement()) {
        // Names and bounds come from a YearMonth, never from input: no injection possible.
        s.execute("CREATE TABLE IF NOT EXISTS " + name(m) + " PARTITION OF audit_records FOR VALUES"
            + " FROM ('" + m.atDay(1) + " 00:00:00+00') TO ('" + m.plusMonths(1).atDay(1)
            + " 00:00:00+00')");
      } catch (SQLException e) {
        if (!CREATED_CONCURRENTLY.contains(e.getSQLState())) {
          throw e;
        }
        if (before != null) {
          c.rollback(before);
        }
      }
      known.add(m);
    }
  }

  /** Forgets which partitions exist, so the next {@link #ensure} looks again. */
  void forget() {
    known.clear();
  }

  /** The current month and {@link #AHEAD} after it. */
  static List<YearMonth> around(Instant now) {
    YearMonth current = month(now);
    List<YearMonth> out = new ArrayList<>();
    for (int i = 0; i <= AHEAD; i++) {
      out.add(current.plusMonths(i));
    }
    return out;
  }

  /** Drops the partitions that end on or before {@code cutoff}; returns their names. */
  List<String> dropBefore(Connection c, Instant cutoff) throws SQLException {
    List<String> dropped = new ArrayList<>();
    YearMonth firstKept = month(cutoff);
    for (YearMonth m : existing(c)) {
      if (m.isBefore(firstKept)) {
        try (Statement s = c.createStatement()) {
          s.execute("DROP TABLE IF EXISTS " + name(m));
        }
        known.remove(m);
        dropped.add(name(m));
      }
    }
    return dropped;
  }

  /** The months that have a partition, from the catalog. */
  static List<YearMonth> existing(Connection c) throws SQLException {
    List<YearMonth> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT child.relname"
        + " FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid"
        + " JOIN pg_class parent ON parent.oid = pg_inherits.inhparent"
        + " WHERE parent.relname = 'audit_records' ORDER BY 1")) {
      while (r.next()) {
        try {
          out.add(YearMonth.parse(r.getString(1), NAME));
        } catch (java.time.format.DateTimeParseException e) {
          // a partition someone added by hand: not ours to drop
        }
      }
    }
    return out;
  }

  static YearMonth month(Instant t) {
    return YearMonth.from(t.atZone(ZoneOffset.UTC));
  }

  static String name(YearMonth m) {
    return NAME.format(m);
  }
}
