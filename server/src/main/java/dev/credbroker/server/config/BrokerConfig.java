package dev.credbroker.server.config;

/**
 * The whole validated configuration. Immutable: a reload builds a new instance and swaps it in, so
 * a request sees one consistent configuration from start to end.
 */
public record BrokerConfig(ServerConfig server, LoggingConfig logging) {

  static BrokerConfig read(ConfigNode root) throws ConfigException {
    if (!root.has("server")) {
      throw new ConfigException("server", "required; write for example server: {listen: 127.0.0.1:8443}");
    }
    BrokerConfig config = new BrokerConfig(
        ServerConfig.read(root.mapping("server")),
        LoggingConfig.read(root.mapping("logging")));
    root.rejectUnknownKeys();
    return config;
  }
}
