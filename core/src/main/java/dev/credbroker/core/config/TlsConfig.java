package dev.credbroker.core.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * PEM files for the broker's TLS listener. With a client CA the broker requires every client to
 * present a certificate signed by it (mutual TLS) on top of the bearer token.
 */
public record TlsConfig(Path certChain, Path privateKey, Optional<Path> clientCa) {

  static TlsConfig read(ConfigNode n) throws ConfigException {
    if (!n.has("cert") || !n.has("key")) {
      String missing = n.has("cert") ? "key" : "cert";
      throw new ConfigException(n.pathOf(missing), "required when tls is set; write the path of a "
          + ("cert".equals(missing) ? "PEM certificate chain" : "PEM (PKCS#8) private key"));
    }
    TlsConfig tls = new TlsConfig(
        n.readableFile("cert").orElseThrow(),
        n.readableFile("key").orElseThrow(),
        n.readableFile("client_ca"));
    n.rejectUnknownKeys();
    return tls;
  }
}
