package dev.credbroker.core.config;

/**
 * Operational logging (not the audit log). Logs go to stderr so that stdout stays free for an
 * audit sink; {@code json} writes one JSON object per line for log pipelines.
 */
public record LoggingConfig(Level level, Format format) {

  public static final LoggingConfig DEFAULTS = new LoggingConfig(Level.INFO, Format.TEXT);

  /** Threshold of the broker's own log. */
  public enum Level { ERROR, WARN, INFO, DEBUG }

  /** Line format. */
  public enum Format { TEXT, JSON }

  static LoggingConfig read(ConfigNode n) throws ConfigException {
    LoggingConfig logging = new LoggingConfig(
        n.enumValue("level", Level.class).orElse(DEFAULTS.level()),
        n.enumValue("format", Format.class).orElse(DEFAULTS.format()));
    n.rejectUnknownKeys();
    return logging;
  }
}
