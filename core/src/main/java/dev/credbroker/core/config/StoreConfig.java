package dev.credbroker.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code audit.store}: the fleet's shared audit store. Each broker keeps writing its own local
 * trail first (the fail-closed step) and ships it here asynchronously; search and verify read
 * every broker's records from here. PostgreSQL is the one kind of store.
 *
 * @param retention records older than this are dropped a whole month partition at a time; empty
 *     keeps everything (the default)
 * @param batchSize records shipped per transaction
 * @param shipInterval how often the shipper looks for new records when it has caught up
 */
public record StoreConfig(Postgres postgres, Optional<Duration> retention, int batchSize,
    Duration shipInterval) {

  public static final int DEFAULT_BATCH = 500;
  public static final Duration DEFAULT_SHIP_INTERVAL = Duration.ofSeconds(1);

  /**
   * How to reach PostgreSQL. The password is read from {@code passwordFile} (never written in the
   * config or the URL), so the config file can be shown to reviewers.
   *
   * @param migrate whether the broker brings the schema up to date at start (Flyway); with false
   *     it refuses to ship to a schema that is behind and says so
   */
  public record Postgres(String url, String user, Optional<Path> passwordFile, int poolSize,
      boolean migrate) {
    public static final int DEFAULT_POOL_SIZE = 4;

    /** The URL with any {@code password=} parameter blanked, for messages. */
    public String redactedUrl() {
      return redact(url);
    }
  }

  /** {@code text} with every {@code password=...} value replaced by {@code ***}. */
  public static String redact(String text) {
    return text == null ? "" : text.replaceAll("(?i)(password=)[^&;\\s]*", "$1***");
  }

  static StoreConfig read(ConfigNode n) throws ConfigException {
    ConfigNode pg = n.mapping("postgres");
    if (!n.has("postgres")) {
      throw new ConfigException(n.pathOf("postgres"), "required; write for example postgres:"
          + " {url: jdbc:postgresql://db.example.com:5432/credbroker, user: credbroker,"
          + " password_file: /etc/credbroker/db-password}");
    }
    String url = pg.requiredString("url", "jdbc:postgresql://db.example.com:5432/credbroker");
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new ConfigException(pg.pathOf("url"), "expected a PostgreSQL JDBC URL starting with"
          + " jdbc:postgresql://, got " + ConfigNode.quote(redact(url)));
    }
    if (url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
      throw new ConfigException(pg.pathOf("url"), "holds a password; remove it from the URL and"
          + " put it in the file password_file names");
    }
    Postgres postgres = new Postgres(url, pg.requiredString("user", "credbroker"),
        pg.readableFile("password_file"),
        pg.integer("pool_size", 1, 64).orElse((long) Postgres.DEFAULT_POOL_SIZE).intValue(),
        pg.bool("migrate").orElse(true));
    pg.rejectUnknownKeys();
    StoreConfig config = new StoreConfig(postgres,
        n.duration("retention", Duration.ofDays(31), Duration.ofDays(36600)),
        n.integer("batch_size", 1, 10_000).orElse((long) DEFAULT_BATCH).intValue(),
        n.duration("ship_interval", Duration.ofMillis(10), Duration.ofMinutes(10))
            .orElse(DEFAULT_SHIP_INTERVAL));
    n.rejectUnknownKeys();
    return config;
  }
}
