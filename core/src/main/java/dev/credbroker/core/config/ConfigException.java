package dev.credbroker.core.config;

/**
 * A configuration file that cannot be used. The message is one line that names the offending key
 * path and says what to write instead, so an operator can fix it without reading a stack trace.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String keyPath;

  public ConfigException(String keyPath, String problem) {
    super(keyPath.isEmpty() ? problem : keyPath + ": " + problem);
    this.keyPath = keyPath;
  }

  /** Dotted path of the offending key, e.g. {@code server.tls.cert}; empty for the whole file. */
  public String keyPath() {
    return keyPath;
  }
}
