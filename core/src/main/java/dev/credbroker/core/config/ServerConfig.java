package dev.credbroker.core.config;

import java.time.Duration;
import java.util.Optional;

/** The gRPC listener: where it binds, how it secures connections, and how it stops. */
public record ServerConfig(
    ListenAddress listen,
    Optional<TlsConfig> tls,
    ServerLimits limits,
    Duration shutdownGrace,
    boolean reflection,
    Duration drainDelay) {

  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);

  static ServerConfig read(ConfigNode n) throws ConfigException {
    String listen = n.requiredString("listen", "127.0.0.1:8443");
    ListenAddress address;
    try {
      address = ListenAddress.parse(listen);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(n.pathOf("listen"), e.getMessage() + ", got " + ConfigNode.quote(listen));
    }
    Optional<TlsConfig> tls = Optional.empty();
    Optional<ConfigNode> tlsNode = n.optionalMapping("tls");
    if (tlsNode.isPresent()) {
      tls = Optional.of(TlsConfig.read(tlsNode.get()));
    }
    ServerConfig server = new ServerConfig(
        address,
        tls,
        ServerLimits.read(n.mapping("limits")),
        n.duration("shutdown_grace", Duration.ZERO, Duration.ofHours(1))
            .orElse(DEFAULT_SHUTDOWN_GRACE),
        n.bool("reflection").orElse(true),
        n.duration("drain_delay", Duration.ZERO, Duration.ofMinutes(5)).orElse(Duration.ZERO));
    n.rejectUnknownKeys();
    return server;
  }
}
