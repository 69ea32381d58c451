package dev.credbroker.core.config;

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
    List<String> claims,
    Sealing sealing,
    Optional<StoreConfig> store) {

  /**
   * How the chain is sealed with signed checkpoints: the Ed25519 key (default
   * {@code audit-signing.key} beside the file; none for stdout unless set), how often at least,
   * and the broker's name in them (default: the host name).
   */
  public record Sealing(Optional<Path> signingKey, Duration checkpointInterval,
      Optional<String> brokerId) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    public static final Sealing DEFAULTS = new Sealing(Optional.empty(), DEFAULT_INTERVAL,
        Optional.empty());
  }

  /** Where records go. */
  public enum Sink { FILE, STDOUT }

  /**
   * What "written" means before a response leaves: handed to the OS (survives a broker crash; the
   * default, as in Vault's file audit device), or flushed to disk (survives a power loss; flushes
   * are shared by the records waiting together).
   */
  public enum Durability { FSYNC, OS_BUFFERED }

  /** What happens to records of WhoAmI and ListEntitlements calls that succeed. */
  public enum Informational { RECORD, SAMPLE, SKIP }

  public static final long DEFAULT_MAX_FILE_BYTES = 100L << 20;
  /** What a broker id may be: it names the broker in checkpoints, the store and searches. */
  public static final String BROKER_ID = "[A-Za-z0-9._-]{1,64}";

  public AuditConfig {
    claims = List.copyOf(claims);
  }

  /** Without a fleet store. */
  public AuditConfig(Sink sink, Optional<Path> file, boolean failClosed, Durability durability,
      long maxFileBytes, Optional<Duration> rotateEvery, Informational informational,
      double sampleRate, List<String> claims, Sealing sealing) {
    this(sink, file, failClosed, durability, maxFileBytes, rotateEvery, informational, sampleRate,
        claims, sealing, Optional.empty());
  }

  /** The same, shipping to {@code store}. */
  public AuditConfig withStore(StoreConfig store) {
    return new AuditConfig(sink, file, failClosed, durability, maxFileBytes, rotateEvery,
        informational, sampleRate, claims, sealing, Optional.of(store));
  }

  /** With the default sealing. */
  public AuditConfig(Sink sink, Optional<Path> file, boolean failClosed, Durability durability,
      long maxFileBytes, Optional<Duration> rotateEvery, Informational informational,
      double sampleRate, List<String> claims) {
    this(sink, file, failClosed, durability, maxFileBytes, rotateEvery, informational, sampleRate,
        claims, Sealing.DEFAULTS);
  }

  /** The signing key checkpoints are signed with, if any: configured, or beside the file. */
  public Optional<Path> signingKey() {
    return sealing.signingKey().or(() -> file.map(f ->
        f.toAbsolutePath().resolveSibling("audit-signing.key")));
  }

  /**
   * The broker's name in its checkpoints and in the fleet store: {@code audit.broker_id}, else the
   * host name when it is a valid id, else {@code credbroker}.
   */
  public String brokerId() {
    return sealing.brokerId().orElseGet(() -> {
      try {
        String host = java.net.InetAddress.getLocalHost().getHostName();
        return host.matches(BROKER_ID) ? host : "credbroker";
      } catch (java.net.UnknownHostException e) {
        return "credbroker";
      }
    });
  }

  /** Records to {@code file}, fail closed, written to the OS before answering: the defaults. */
  public static AuditConfig toFile(Path file) {
    return new AuditConfig(Sink.FILE, Optional.of(file), true, Durability.OS_BUFFERED,
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
        n.enumValue("durability", Durability.class).orElse(Durability.OS_BUFFERED),
        n.dataSize("max_file_size", 64 * 1024, 1L << 40).orElse(DEFAULT_MAX_FILE_BYTES),
        n.duration("rotate_every", Duration.ofMinutes(1), Duration.ofDays(366)),
        informational,
        rate.orElse(informational == Informational.SAMPLE ? 10L : 100L) / 100.0,
        n.stringList("claims"),
        new Sealing(n.path("signing_key"),
            n.duration("checkpoint_interval", Duration.ofSeconds(10), Duration.ofHours(1))
                .orElse(Sealing.DEFAULT_INTERVAL),
            brokerId(n)),
        n.has("store") ? Optional.of(StoreConfig.read(n.mapping("store")))
            : Optional.empty());
    if (config.store().isPresent() && sink != Sink.FILE) {
      throw new ConfigException(n.pathOf("store"), "the store is fed from the local audit file;"
          + " use the file sink (remove sink: stdout)");
    }
    if (sink == Sink.STDOUT && (n.has("max_file_size") || n.has("rotate_every"))) {
      throw new ConfigException(n.path(), "rotation applies to the file sink only");
    }
    n.rejectUnknownKeys();
    return config;
  }

  private static Optional<String> brokerId(ConfigNode n) throws ConfigException {
    Optional<String> id = n.string("broker_id");
    if (id.isPresent() && !id.get().matches(BROKER_ID)) {
      throw new ConfigException(n.pathOf("broker_id"), "1-64 letters, digits, '.', '_' or '-',"
          + " got " + ConfigNode.quote(id.get()));
    }
    return id;
  }
}
