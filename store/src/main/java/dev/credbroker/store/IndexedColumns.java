package dev.credbroker.store;

import dev.credbroker.core.audit.AuditQuery;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The columns a stored record is found by, computed from its line alone: what shipping writes and
 * what {@code verify --store} computes again. The chain covers only the line, so without the second
 * look a column edited in the database (another subject beside an access key id) would mislead
 * every search while the chain still verified.
 */
final class IndexedColumns {
  /** The query's fields that are columns of the record (the broker id is the row's key). */
  private static final List<AuditQuery.Field> FILTERED = Arrays.stream(AuditQuery.Field.values())
      .filter(f -> f != AuditQuery.Field.BROKER_ID).toList();
  /** Every column derived from the line, in one order for insert, select and compare. */
  static final List<String> NAMES = names();

  private IndexedColumns() {}

  private static List<String> names() {
    List<String> out = new ArrayList<>(List.of("seq", "time", "type", "decision", "status", "prev",
        "hash"));
    FILTERED.forEach(f -> out.add(f.column()));
    return List.copyOf(out);
  }

  /** The PostgreSQL type of column {@code name} of {@link #NAMES}. */
  static String sqlType(String name) {
    return switch (name) {
      case "seq" -> "bigint";
      case "time" -> "timestamptz";
      default -> "text";
    };
  }

  /** A value of {@link #of} as PostgreSQL reads it from text (for the array a batch is sent in). */
  static String sqlText(Object value) {
    return value instanceof OffsetDateTime t ? t.toInstant().toString()
        : value == null ? null : value.toString();
  }

  /** The values of {@link #NAMES} for {@code r}. */
  static List<Object> of(StoredRecord r) {
    var e = r.entry();
    List<Object> out = new ArrayList<>(List.of(r.seq(), AuditStore.utc(r.time()), r.type()));
    out.add(Columns.of(e.field("decision")));
    out.add(Columns.of(e.field("status")));
    out.add(r.prev());
    out.add(r.hash());
    FILTERED.forEach(f -> out.add(Columns.of(f.valueIn(e))));
    return out;
  }

  /**
   * The first column of the current row (read from column {@code first} on, in {@link #NAMES}
   * order) that differs from what {@code r}'s line says; empty when all agree.
   */
  static Optional<StoreVerifier.ColumnMismatch> compare(ResultSet row, int first, StoredRecord r) throws SQLException {
    List<Object> expected = of(r);
    for (int i = 0; i < NAMES.size(); i++) {
      Object want = expected.get(i);
      Object stored = want instanceof OffsetDateTime
          ? row.getObject(first + i, OffsetDateTime.class) : row.getObject(first + i);
      // timestamptz keeps microseconds: a line's nanoseconds are rounded to them on the way in
      boolean same = want instanceof OffsetDateTime t && stored instanceof OffsetDateTime s
          ? Math.abs(java.time.Duration.between(t, s).toNanos()) < 1000
          : want instanceof Long n ? stored instanceof Number m && m.longValue() == n
          : Objects.equals(want, stored);
      if (!same) {
        return Optional.of(new StoreVerifier.ColumnMismatch(r.seq(), NAMES.get(i), text(stored),
            text(want)));
      }
    }
    return Optional.empty();
  }

  private static String text(Object value) {
    return value instanceof OffsetDateTime t ? t.toInstant().toString()
        : value == null ? "" : value.toString();
  }
}
