package dev.credbroker.server.fleet;

import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.AuditFiles;
import dev.credbroker.core.audit.AuditQuery;
import dev.credbroker.core.audit.AuditSearch;
import dev.credbroker.store.AuditStore;
import dev.credbroker.store.StoreException;
import dev.credbroker.store.StoreSearch;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Predicate;

/**
 * Where {@code SearchAudit} reads records: this broker's files, or the fleet store (every
 * replica's records). Both apply {@link AuditQuery} the same way, newest first.
 */
public interface AuditSource {

  /** Streams matches to {@code sink} (false stops); returns how many were handed over. */
  int search(AuditQuery query, Predicate<AuditEntry> sink) throws IOException;

  /** The live file and its rotated segments. */
  static AuditSource files(Path live) {
    return (query, sink) -> AuditSearch.run(AuditFiles.segments(live), query, sink);
  }

  /** The fleet store. */
  static AuditSource store(AuditStore store) {
    return (query, sink) -> {
      try (Connection c = store.connection()) {
        return StoreSearch.run(c, query, sink);
      } catch (StoreException e) {
        throw new IOException(e.getMessage());
      } catch (SQLException e) {
        throw new IOException("closing a store connection: SQL state " + e.getSQLState());
      }
    };
  }
}
