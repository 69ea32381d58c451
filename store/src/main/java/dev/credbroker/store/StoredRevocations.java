package dev.credbroker.store;

import dev.credbroker.core.revocation.Revocation;
import dev.credbroker.core.revocation.RevocationJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleet's revocations in the store's {@code revocations} table: what every replica reads on
 * each poll, so a revocation made through any replica reaches all of them. A row that cannot be
 * read fails the whole load, never shortens the list.
 */
public final class StoredRevocations {
  private final AuditStore store;

  StoredRevocations(AuditStore store) {
    this.store = store;
  }

  /** Every revocation, oldest first. */
  public List<Revocation> load() throws StoreException {
    try (Connection c = store.connection();
        PreparedStatement s = c.prepareStatement(
            "SELECT id, record FROM revocations ORDER BY created, id");
        ResultSet rows = s.executeQuery()) {
      List<Revocation> out = new ArrayList<>();
      while (rows.next()) {
        try {
          out.add(RevocationJson.read(rows.getString(2)));
        } catch (IllegalArgumentException e) {
          throw new StoreException("revocation row " + rows.getString(1) + " cannot be read: "
              + e.getMessage());
        }
      }
      return out;
    } catch (SQLException e) {
      throw StoreException.of("cannot read the revocations", e);
    }
  }

  /** Adds one; false when a revocation with its id is stored already. */
  public boolean add(Revocation r) throws StoreException {
    try (Connection c = store.connection();
        PreparedStatement s = c.prepareStatement("INSERT INTO revocations (id, created, record)"
            + " VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
      s.setString(1, r.id());
      s.setObject(2, r.created().atOffset(ZoneOffset.UTC));
      s.setString(3, RevocationJson.write(r));
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw StoreException.of("cannot store the revocation", e);
    }
  }

  /** Withdraws one; false when no revocation has that id. */
  public boolean remove(String id) throws StoreException {
    try (Connection c = store.connection();
        PreparedStatement s = c.prepareStatement("DELETE FROM revocations WHERE id = ?")) {
      s.setString(1, id);
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw StoreException.of("cannot withdraw the revocation", e);
    }
  }
}
