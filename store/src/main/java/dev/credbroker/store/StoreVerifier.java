package dev.credbroker.store;

import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.audit.AuditVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Verifies every broker's chain in the store, exactly as {@code audit verify} checks files: each
 * stored line's own hash, the links between them, and (with the brokers' public keys) each
 * checkpoint's signature. The head the store says it holds (the shipper's position, or a later
 * stored checkpoint) must be there too, so records cut from the tail of the store are found; the
 * same head checks a broker's local files ({@link #head}) for a cut local trail. The columns
 * searches use are computed again from each stored line: an edited column is reported too.
 */
public final class StoreVerifier {
  private StoreVerifier() {}

  /** At most this many column mismatches are listed per broker (all are counted). */
  static final int MAX_LISTED = 10;

  /**
   * One broker's result: its chain's, and the rows whose searchable columns disagree with their
   * own line (the first {@link #MAX_LISTED}, and how many there are).
   */
  public record BrokerReport(String brokerId, AuditVerifier.Report report,
      List<ColumnMismatch> columns, long mismatchedRows) {
    public BrokerReport {
      columns = List.copyOf(columns);
    }

    /** The chain holds and every column says what its record says. */
    public boolean ok() {
      return report.ok() && mismatchedRows == 0;
    }
  }

  /**
   * A column whose stored value differs from the value its record's line gives ({@code stored}
   * and {@code fromRecord} as the database and the line hold them; callers chose some, so print
   * them escaped).
   */
  public record ColumnMismatch(long seq, String column, String stored, String fromRecord) {}

  /** Verifies the brokers named, or every broker the store knows when {@code only} is empty. */
  public static List<BrokerReport> verify(Connection c, Optional<String> only,
      Collection<PublicKey> keys) throws StoreException {
    List<BrokerReport> out = new ArrayList<>();
    try {
      c.setAutoCommit(false); // the driver streams a result set only inside a transaction
      for (String broker : only.map(List::of).orElse(brokers(c))) {
        Optional<AuditVerifier.Head> head = head(c, broker);
        AuditVerifier.Options options = new AuditVerifier.Options(key(c, broker, keys), head);
        try (PreparedStatement s = c.prepareStatement("SELECT record, "
            + String.join(", ", IndexedColumns.NAMES) + " FROM audit_records"
            + " WHERE broker_id = ? ORDER BY seq, time")) {
          s.setString(1, broker);
          s.setFetchSize(1000);
          try (ResultSet r = s.executeQuery()) {
            Rows rows = new Rows(r);
            AuditVerifier.Report report = AuditVerifier.verifyRecords(Path.of("store", broker),
                rows, options);
            while (rows.hasNext()) { // the chain stopped at a problem: check the rest's columns
              rows.next();
            }
            out.add(new BrokerReport(broker, report, rows.mismatches, rows.mismatched));
          }
        }
      }
      c.commit();
      return out;
    } catch (SQLException | UncheckedSql e) {
      throw StoreException.of("cannot read the audit store to verify it",
          e instanceof UncheckedSql u ? u.getCause() : (SQLException) e);
    }
  }

  /**
   * The furthest head the store vouches for {@code brokerId}: the later of its shipper's position
   * and its newest stored checkpoint; empty when the store holds nothing of it.
   */
  public static Optional<AuditVerifier.Head> head(Connection c, String brokerId)
      throws StoreException {
    try (PreparedStatement s = c.prepareStatement("SELECT seq, hash FROM ("
        + " SELECT shipped_seq AS seq, shipped_hash AS hash FROM audit_brokers WHERE broker_id = ?"
        + " UNION ALL SELECT seq, hash FROM audit_checkpoints WHERE broker_id = ?) heads"
        + " ORDER BY seq DESC LIMIT 1")) {
      s.setString(1, brokerId);
      s.setString(2, brokerId);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(new AuditVerifier.Head(r.getLong(1), r.getString(2)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw StoreException.of("cannot read the audit store's head for " + brokerId, e);
    }
  }

  private static List<String> brokers(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT broker_id FROM audit_brokers"
        + " UNION SELECT DISTINCT broker_id FROM audit_checkpoints ORDER BY 1");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  /**
   * The given key that signed this broker's checkpoints; else the first given (so the report names
   * the mismatch); empty when no key was given (signatures are then not checked).
   */
  private static Optional<PublicKey> key(Connection c, String broker, Collection<PublicKey> keys)
      throws SQLException {
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    try (PreparedStatement s = c.prepareStatement("SELECT key_id FROM audit_checkpoints"
        + " WHERE broker_id = ? ORDER BY seq DESC LIMIT 1")) {
      s.setString(1, broker);
      try (ResultSet r = s.executeQuery()) {
        String keyId = r.next() ? r.getString(1) : "";
        return keys.stream().filter(k -> AuditSigner.keyId(k).equals(keyId)).findFirst()
            .or(() -> keys.stream().findFirst());
      }
    }
  }

  /** The stored lines in chain order, each row's columns compared with its line on the way. */
  private static final class Rows implements Iterator<byte[]> {
    private final ResultSet r;
    private final List<ColumnMismatch> mismatches = new ArrayList<>();
    private long mismatched;
    private Boolean ahead;

    Rows(ResultSet r) {
      this.r = r;
    }

    @Override
    public boolean hasNext() {
      if (ahead == null) {
        try {
          ahead = r.next();
        } catch (SQLException e) {
          throw new UncheckedSql(e);
        }
      }
      return ahead;
    }

    @Override
    public byte[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ahead = null;
      try {
        byte[] line = r.getString(1).getBytes(StandardCharsets.UTF_8);
        // A line that fails its own hash is the chain's finding; its columns mean nothing.
        StoredRecord.of(line).ifPresent(record -> compare(record));
        return line;
      } catch (SQLException e) {
        throw new UncheckedSql(e);
      }
    }

    private void compare(StoredRecord record) {
      try {
        IndexedColumns.compare(r, 2, record).ifPresent(m -> {
          mismatched++;
          if (mismatches.size() < MAX_LISTED) {
            mismatches.add(m);
          }
        });
      } catch (SQLException e) {
        throw new UncheckedSql(e);
      }
    }
  }

  /** A database error while the verifier pulls records. */
  private static final class UncheckedSql extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UncheckedSql(SQLException e) {
      super(e);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }
}
