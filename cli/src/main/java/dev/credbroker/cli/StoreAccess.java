package dev.credbroker.cli;

import dev.credbroker.core.config.StoreConfig;
import dev.credbroker.store.StoreConnections;
import dev.credbroker.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Optional;
import java.util.Set;

/**
 * How {@code audit search|verify --store} reach the fleet store: {@code --store-url},
 * {@code --store-user} and {@code --store-password-file} (or {@code CREDBROKER_STORE_URL}, ...).
 * The password is read from a file, never taken from the command line, where other users of the
 * machine could read it. One plain JDBC connection: the CLI carries no pool and no migrations.
 */
final class StoreAccess {
  static final Set<String> VALUED = Set.of("store-url", "store-user", "store-password-file");

  private StoreAccess() {}

  /** The connection settings given; a usage error naming what is missing. */
  static StoreConfig.Postgres settings(CliOptions o) throws CliOptions.UsageException {
    String url = o.get("store-url").orElseThrow(() -> new CliOptions.UsageException(
        "--store needs --store-url jdbc:postgresql://HOST:5432/DB (or CREDBROKER_STORE_URL)"));
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new CliOptions.UsageException("--store-url is a jdbc:postgresql:// URL");
    }
    if (url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
      throw new CliOptions.UsageException("--store-url must not hold a password; put it in a"
          + " file and give --store-password-file");
    }
    Optional<Path> password = o.path("store-password-file");
    return new StoreConfig.Postgres(url, o.get("store-user").orElse("credbroker"), password, 1,
        false);
  }

  /** One connection; the caller closes it. */
  static Connection open(CliOptions o) throws CliOptions.UsageException, StoreException {
    return StoreConnections.open(settings(o));
  }
}
