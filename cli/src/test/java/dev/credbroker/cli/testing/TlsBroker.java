package dev.credbroker.cli.testing;

import dev.credbroker.client.testing.Servers;
import dev.credbroker.core.config.TlsConfig;
import dev.credbroker.server.grpc.BrokerServer;
import dev.credbroker.server.testing.TestPki;
import dev.credbroker.server.tls.TlsMaterial;
import io.grpc.BindableService;
import java.nio.file.Path;
import java.util.Optional;

/** The broker's own server with TLS around a chosen service, its certificate from a throwaway CA. */
public final class TlsBroker implements AutoCloseable {
  private final TestPki pki;
  private final BrokerServer server;

  private TlsBroker(TestPki pki, BrokerServer server) {
    this.pki = pki;
    this.server = server;
  }

  /** Writes the CA and the server's key and certificate under {@code dir}, then starts. */
  public static TlsBroker start(BindableService service, Path dir) throws Exception {
    TestPki pki = TestPki.create(dir);
    return new TlsBroker(pki, Servers.startTls(service, TlsMaterial.load(
        new TlsConfig(pki.serverCert(), pki.serverKey(), Optional.empty()), "server.tls")));
  }

  public String target() {
    return "127.0.0.1:" + server.address().getPort();
  }

  /** The CA that signed the broker's certificate, for {@code --ca-file}. */
  public Path caCert() {
    return pki.caCert();
  }

  @Override
  public void close() {
    server.shutdownNow();
    server.shutdown();
  }
}
