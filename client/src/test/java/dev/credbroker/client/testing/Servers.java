package dev.credbroker.client.testing;

import dev.credbroker.core.config.ListenAddress;
import dev.credbroker.core.config.ServerConfig;
import dev.credbroker.core.config.ServerLimits;
import dev.credbroker.server.grpc.BrokerServer;
import dev.credbroker.server.tls.TlsMaterial;
import io.grpc.BindableService;
import java.time.Duration;
import java.util.Optional;

/** The broker's own gRPC server (bearer required, health, limits) around a chosen service. */
public final class Servers {
  private Servers() {}

  /** Plaintext on {@code host:port} (port 0 for a free one). */
  public static BrokerServer start(BindableService service, String host, int port) throws Exception {
    return BrokerServer.builder(config(host, port)).addService(service).build().start();
  }

  /** TLS (and mTLS when the material has client CAs) on a free loopback port. */
  public static BrokerServer startTls(BindableService service, TlsMaterial tls) throws Exception {
    return BrokerServer.builder(config("127.0.0.1", 0)).tls(tls).addService(service).build().start();
  }

  private static ServerConfig config(String host, int port) {
    return new ServerConfig(new ListenAddress(host, port), Optional.empty(), ServerLimits.DEFAULTS,
        Duration.ofSeconds(2), true, Duration.ZERO);
  }
}
