package dev.credbroker.store;

import dev.credbroker.core.config.StoreConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * Plain JDBC connections to the store, for the tools (search, verify) that need one connection
 * and no pool; and the connection properties the broker's pool uses too. The password comes from a
 * file, never from a URL or a command line.
 */
public final class StoreConnections {
  /** Seconds to wait for a TCP connection, then for the login, before calling the store down. */
  static final int CONNECT_TIMEOUT_S = 5;

  private StoreConnections() {}

  /** Opens one connection; the caller closes it. */
  public static Connection open(StoreConfig.Postgres pg) throws StoreException {
    Properties props = properties(pg);
    try {
      return DriverManager.getConnection(pg.url(), props);
    } catch (SQLException e) {
      throw StoreException.of("cannot connect to the audit store " + pg.redactedUrl()
          + " as " + pg.user(), e);
    }
  }

  /** The driver's properties: the user, the password file's content, timeouts, a name. */
  static Properties properties(StoreConfig.Postgres pg) throws StoreException {
    Properties p = new Properties();
    p.setProperty("user", pg.user());
    password(pg.passwordFile()).ifPresent(pw -> p.setProperty("password", pw));
    p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_S));
    p.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_S));
    p.setProperty("ApplicationName", "credbroker");
    return p;
  }

  /** The first line of the password file, without its line end. */
  static Optional<String> password(Optional<Path> file) throws StoreException {
    if (file.isEmpty()) {
      return Optional.empty();
    }
    try {
      String text = Files.readString(file.get(), StandardCharsets.UTF_8);
      int end = text.indexOf('\n');
      return Optional.of((end < 0 ? text : text.substring(0, end)).replace("\r", ""));
    } catch (IOException e) {
      throw new StoreException("cannot read the audit store's password file " + file.get()
          + ": " + e.getClass().getSimpleName());
    }
  }
}
