package dev.credbroker.core.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a single node keeps its revocations (a file beside the configuration by default; the
 * fleet store replaces it when one is configured), how often each replica re-reads the list, and
 * how long a replica that cannot read it keeps issuing before it refuses (fail closed).
 */
public record RevocationConfig(Path file, Duration pollInterval, Duration failClosedAfter) {
  public static final String DEFAULT_FILE = "revocations.jsonl";
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_FAIL_CLOSED_AFTER = Duration.ofMinutes(1);

  /** The defaults, with the list in {@code dir}. */
  public static RevocationConfig in(Path dir) {
    return new RevocationConfig(dir.resolve(DEFAULT_FILE).toAbsolutePath().normalize(),
        DEFAULT_POLL, DEFAULT_FAIL_CLOSED_AFTER);
  }

  static RevocationConfig read(ConfigNode n) throws ConfigException {
    Path file = n.path("file").orElseGet(() -> n.besideConfig(DEFAULT_FILE));
    Duration poll = n.duration("poll_interval", Duration.ofSeconds(1), Duration.ofMinutes(5))
        .orElse(DEFAULT_POLL);
    Duration failClosed = n.duration("fail_closed_after", Duration.ofSeconds(1),
        Duration.ofDays(7)).orElse(DEFAULT_FAIL_CLOSED_AFTER);
    if (failClosed.compareTo(poll) < 0) {
      throw new ConfigException(n.pathOf("fail_closed_after"), "must be at least poll_interval ("
          + Durations.format(poll) + "), or every slow poll would refuse issuance");
    }
    RevocationConfig config = new RevocationConfig(file, poll, failClosed);
    n.rejectUnknownKeys();
    return config;
  }
}
