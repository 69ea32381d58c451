package dev.credbroker.server;

import dev.credbroker.server.config.AuditConfig;
import dev.credbroker.server.config.BrokerConfig;
import dev.credbroker.server.config.ConfigException;
import dev.credbroker.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The rules of {@code --dev}: loopback only, sensible defaults when no config file is given. */
final class DevMode {
  static final String DEFAULT_CONFIG = "server: {listen: 127.0.0.1:8443}\n";

  private DevMode() {}

  static BrokerConfig defaultConfig() throws ConfigException {
    return ConfigLoader.parse(DEFAULT_CONFIG, "--dev defaults", Path.of("."));
  }

  /** Without an audit section, dev mode records to a fresh file of its own. */
  static AuditConfig auditConfig() throws IOException {
    return AuditConfig.toFile(Files.createTempDirectory("credbroker-dev-").resolve("audit.jsonl"));
  }

  static void requireLoopback(BrokerConfig config) throws ConfigException {
    if (!config.server().listen().isLoopback()) {
      throw new ConfigException("server.listen", "--dev binds to loopback only (127.0.0.1 or"
          + " [::1]), got " + config.server().listen());
    }
  }
}
