package dev.credbroker.server.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole validated configuration. Immutable: a reload builds a new instance and swaps it in, so
 * a request sees one consistent configuration from start to end.
 */
public record BrokerConfig(ServerConfig server, List<IssuerConfig> issuers, LoggingConfig logging) {

  public BrokerConfig {
    issuers = List.copyOf(issuers);
  }

  /** The same configuration with one more trusted issuer (dev mode adds its own). */
  public BrokerConfig withIssuer(IssuerConfig extra) {
    List<IssuerConfig> all = new ArrayList<>(issuers);
    all.add(extra);
    return new BrokerConfig(server, all, logging);
  }

  static BrokerConfig read(ConfigNode root) throws ConfigException {
    if (!root.has("server")) {
      throw new ConfigException("server", "required; write for example server: {listen: 127.0.0.1:8443}");
    }
    BrokerConfig config = new BrokerConfig(
        ServerConfig.read(root.mapping("server")),
        readIssuers(root),
        LoggingConfig.read(root.mapping("logging")));
    root.rejectUnknownKeys();
    return config;
  }

  private static List<IssuerConfig> readIssuers(ConfigNode root) throws ConfigException {
    List<IssuerConfig> issuers = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<ConfigNode> nodes = root.mappingList("issuers");
    for (ConfigNode node : nodes) {
      IssuerConfig issuer = IssuerConfig.read(node);
      if (!seen.add(issuer.issuer())) {
        throw new ConfigException(node.pathOf("issuer"), "'" + issuer.issuer()
            + "' is listed twice; merge the two entries");
      }
      issuers.add(issuer);
    }
    return issuers;
  }
}
