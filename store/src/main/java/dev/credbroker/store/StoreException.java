package dev.credbroker.store;

import dev.credbroker.core.config.StoreConfig;
import java.sql.SQLException;

/**
 * The store could not do what was asked. Its message is safe to log and show: it never holds a
 * password (URLs are redacted) and names the SQL state of a database error, not the statement.
 */
public final class StoreException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean unreachable;

  /** The store answered and refused (a schema that is behind, a bad request). */
  public StoreException(String message) {
    this(message, false);
  }

  StoreException(String message, boolean unreachable) {
    super(StoreConfig.redact(message));
    this.unreachable = unreachable;
  }

  /** Whether the store could not be reached (down, network), rather than refusing. */
  public boolean unreachable() {
    return unreachable;
  }

  /** {@code what} failed with {@code e}: one line, the SQL state and the driver's message. */
  public static StoreException of(String what, SQLException e) {
    String state = e.getSQLState() == null ? "" : " (SQL state " + e.getSQLState() + ")";
    String text = e.getMessage() == null ? e.getClass().getSimpleName()
        : e.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
    return new StoreException(what + ": " + text + state, isConnectionFailure(e));
  }

  /** Whether the database was unreachable or went away, rather than refusing what was asked. */
  static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return state == null || state.startsWith("08") || state.startsWith("57P");
  }
}
