package dev.credbroker.core.config;

import java.util.Optional;

/**
 * The metrics listener: Prometheus's {@code /metrics} plus {@code /healthz} and {@code /readyz}.
 * A listener of its own, so a scrape or a probe never shares the gRPC port's limits, and the
 * default (loopback, 9464, Prometheus's registered exporter port range) exposes nothing beyond
 * the machine. Plaintext elsewhere needs {@code insecure_plaintext: true} or {@code tls}, as the
 * gRPC port does.
 */
public record MetricsConfig(
    boolean enabled,
    ListenAddress listen,
    Optional<TlsConfig> tls,
    boolean insecurePlaintext) {

  public static final ListenAddress DEFAULT_LISTEN = new ListenAddress("127.0.0.1", 9464);
  public static final MetricsConfig DEFAULTS =
      new MetricsConfig(true, DEFAULT_LISTEN, Optional.empty(), false);
  /** No listener at all; what tests and tools that build a configuration by hand start from. */
  public static final MetricsConfig OFF =
      new MetricsConfig(false, DEFAULT_LISTEN, Optional.empty(), false);

  static MetricsConfig read(ConfigNode n) throws ConfigException {
    ListenAddress listen = DEFAULT_LISTEN;
    Optional<String> text = n.string("listen");
    if (text.isPresent()) {
      try {
        listen = ListenAddress.parse(text.get());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(n.pathOf("listen"), e.getMessage() + ", got "
            + ConfigNode.quote(text.get()));
      }
    }
    Optional<TlsConfig> tls = Optional.empty();
    Optional<ConfigNode> tlsNode = n.optionalMapping("tls");
    if (tlsNode.isPresent()) {
      tls = Optional.of(TlsConfig.read(tlsNode.get()));
    }
    MetricsConfig metrics = new MetricsConfig(n.bool("enabled").orElse(true), listen, tls,
        n.bool("insecure_plaintext").orElse(false));
    n.rejectUnknownKeys();
    if (tls.isPresent() && metrics.insecurePlaintext()) {
      throw new ConfigException(n.pathOf("insecure_plaintext"),
          "contradicts tls; remove one of the two");
    }
    return metrics;
  }
}
