package dev.credbroker.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The store's schema, versioned by Flyway migrations ({@code db/migration/credbroker/V*__*.sql}).
 * The broker brings it up to date at start, or, with {@code migrate: false} (a DBA runs
 * migrations), refuses a schema that is behind instead of writing to one it does not know.
 */
final class StoreSchema {
  static final String LOCATION = "classpath:db/migration/credbroker";
  static final String HISTORY_TABLE = "credbroker_schema_history";

  /** What opening found. */
  sealed interface State permits Current, Migrated {
    String version();
  }

  record Current(String version) implements State {}

  record Migrated(String from, String version, int applied) implements State {}

  private StoreSchema() {}

  static State bringUpToDate(DataSource db, boolean migrate) throws StoreException {
    Flyway flyway = Flyway.configure(StoreSchema.class.getClassLoader()).dataSource(db)
        .locations(LOCATION).table(HISTORY_TABLE).load();
    try {
      MigrationInfo current = flyway.info().current();
      String before = current == null ? "none" : current.getVersion().getVersion();
      int pending = flyway.info().pending().length;
      if (pending == 0) {
        return new Current(before);
      }
      if (!migrate) {
        throw new StoreException("the audit store's schema is at version " + before + " and "
            + pending + " migration(s) are pending; run them (or set audit.store.postgres.migrate:"
            + " true to let the broker run them at start)");
      }
      MigrateResult result = flyway.migrate();
      return new Migrated(before, result.targetSchemaVersion, result.migrationsExecuted);
    } catch (FlywayException e) {
      java.sql.SQLException cause = sqlCause(e);
      if (cause != null) {
        throw StoreException.of("cannot bring the audit store's schema up to date", cause);
      }
      throw new StoreException("cannot bring the audit store's schema up to date: "
          + oneLine(e.getMessage()));
    }
  }

  private static java.sql.SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
