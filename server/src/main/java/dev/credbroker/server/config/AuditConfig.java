package dev.credbroker.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where and how decisions are recorded. The file sink is the default and the one that supports
 * rotation, {@code audit search} and {@code SearchAudit}; stdout suits a container whose log
 * pipeline collects standard output. {@code fail_closed: false} is for development only: a decision
 * whose record cannot be written is then served anyway.
 */
public record AuditConfig(
    Sink sink,
    Optional<Path> file,
    boolean failClosed,
    Durability durability,
    long maxFileBytes,
    Optional<Duration> rotateEvery,
    Informational informational,
    double sampleRate,
    List<String> claims) {

  /** Where records go. */
  public enum Sink { FILE, STDOUT }

  /** What "written" means before a response leaves: on disk, or handed to the OS. */
  public enum Durability { FSYNC, OS_BUFFERED }

  /** What happens to records of WhoAmI and ListEntitlements calls that succeed. */
  public enum Informational { RECORD, SAMPLE, SKIP }

  public static final long DEFAULT_MAX_FILE_BYTES = 100L << 20;

  public AuditConfig {
    claims = List.copyOf(claims);
  }

  /** Records to {@code file}, fail closed, fsync per group commit: the production defaults. */
  public static AuditConfig toFile(Path file) {
    return new AuditConfig(Sink.FILE, Optional.of(file), true, Durability.FSYNC,
        DEFAULT_MAX_FILE_BYTES, Optional.empty(), Informational.RECORD, 1.0, List.of());
  }

  static AuditConfig read(ConfigNode n) throws ConfigException {
    Sink sink = n.enumValue("sink", Sink.class).orElse(Sink.FILE);
    Optional<Path> file = n.path("file");
    if (sink == Sink.FILE && file.isEmpty()) {
      throw new ConfigException(n.pathOf("file"), "required for the file sink; write for example"
          + " file: /var/log/credbroker/audit.jsonl (or sink: stdout)");
    }
    if (sink == Sink.STDOUT && file.isPresent()) {
      throw new ConfigException(n.pathOf("file"), "only the file sink takes a file; remove it or"
          + " remove sink: stdout");
    }
    Informational informational = n.enumValue("informational", Informational.class)
        .orElse(Informational.RECORD);
    Optional<Long> rate = n.integer("sample_percent", 1, 100);
    if (rate.isPresent() && informational != Informational.SAMPLE) {
      throw new ConfigException(n.pathOf("sample_percent"), "only used with informational: sample");
    }
    AuditConfig config = new AuditConfig(sink, file,
        n.bool("fail_closed").orElse(true),
        n.enumValue("durability", Durability.class).orElse(Durability.FSYNC),
        n.dataSize("max_file_size", 64 * 1024, 1L << 40).orElse(DEFAULT_MAX_FILE_BYTES),
        n.duration("rotate_every", Duration.ofMinutes(1), Duration.ofDays(366)),
        informational,
        rate.orElse(informational == Informational.SAMPLE ? 10L : 100L) / 100.0,
        n.stringList("claims"));
    if (sink == Sink.STDOUT && (n.has("max_file_size") || n.has("rotate_every"))) {
      throw new ConfigException(n.path(), "rotation applies to the file sink only");
    }
    n.rejectUnknownKeys();
    return config;
  }
}
