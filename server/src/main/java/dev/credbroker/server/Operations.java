package dev.credbroker.server;

import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.MetricsConfig;
import dev.credbroker.server.audit.AuditWriter;
import dev.credbroker.server.grpc.BrokerServer;
import dev.credbroker.server.grpc.ServerStartException;
import dev.credbroker.server.health.HealthChecks;
import dev.credbroker.server.health.HealthMonitor;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.metrics.EndpointRoutes;
import dev.credbroker.server.metrics.MetricsEndpoint;
import dev.credbroker.server.ops.DaemonThreads;
import dev.credbroker.server.ops.FileWatch;
import dev.credbroker.server.tls.LiveTls;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's operational side, started once the gRPC port is open: truthful health, the
 * metrics listener with {@code /metrics}, {@code /healthz} and {@code /readyz}, and certificate
 * reloads for both listeners. Closing stops all of it.
 */
final class Operations implements AutoCloseable {
  /** How often health looks at the audit log and the issuers' keys. */
  static final Duration HEALTH_INTERVAL = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(Operations.class);

  private final HealthMonitor health;
  private final Optional<MetricsEndpoint> endpoint;
  private final List<FileWatch> watches;

  private Operations(HealthMonitor health, Optional<MetricsEndpoint> endpoint,
      List<FileWatch> watches) {
    this.health = health;
    this.endpoint = endpoint;
    this.watches = watches;
  }

  /** Refuses plaintext metrics off loopback unless allowed: checked before anything starts. */
  static void check(MetricsConfig config) throws ConfigException {
    if (config.enabled() && config.tls().isEmpty() && !config.insecurePlaintext()
        && !config.listen().isLoopback()) {
      throw new ConfigException("metrics.listen", "plaintext metrics on non-loopback address "
          + config.listen() + " are refused; configure metrics.tls (cert, key) or set"
          + " metrics.insecure_plaintext: true");
    }
  }

  static Operations start(MetricsConfig config, BrokerMetrics metrics, BrokerServer server,
      BrokerStates states, AuditWriter audit, Duration poll)
      throws ConfigException, IOException, ServerStartException {
    HealthMonitor health = new HealthMonitor(new HealthChecks(audit::writable,
        () -> states.get().authenticator().keySets(),
        () -> states.get().authenticator().retryUnusableKeys()),
        server::serving, server::accepting).start(HEALTH_INTERVAL);
    List<FileWatch> watches = new ArrayList<>();
    Optional<MetricsEndpoint> endpoint = Optional.empty();
    try {
      if (server.tls().isPresent() && !server.tls().get().files().isEmpty()) {
        watches.add(watchTls(server.tls().get(), "grpc", metrics, poll));
      }
      if (config.enabled()) {
        Optional<LiveTls> tls = config.tls().isEmpty() ? Optional.empty()
            : Optional.of(LiveTls.load(config.tls().get(), "metrics.tls"));
        check(config);
        if (tls.isPresent()) {
          LiveTls t = tls.get();
          metrics.server().certificate("metrics", () -> t.current().leaf());
          watches.add(watchTls(t, "metrics", metrics, poll));
        }
        endpoint = Optional.of(bind(config, tls, new EndpointRoutes(metrics.registry(),
            health::liveness, health::readiness)));
      }
    } catch (ConfigException | IOException | ServerStartException | RuntimeException e) {
      health.close();
      watches.forEach(FileWatch::close);
      throw e;
    }
    return new Operations(health, endpoint, List.copyOf(watches));
  }

  /**
   * Starts the listener, or refuses to start the broker in one line naming {@code metrics.listen}:
   * a port already taken is most often a second broker on the host with the default port, and a
   * broker serving without its metrics and probes would fail its readiness checks for a reason no
   * log line near the probe explains.
   */
  private static MetricsEndpoint bind(MetricsConfig config, Optional<LiveTls> tls,
      EndpointRoutes routes) throws ServerStartException {
    try {
      return MetricsEndpoint.start(config.listen().toSocketAddress(),
          tls.map(Operations::sslContexts), routes, DaemonThreads.named("credbroker-metrics"));
    } catch (IOException e) {
      throw new ServerStartException(bindProblem(config, e));
    }
  }

  static String bindProblem(MetricsConfig config, IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("in use")) {
        return "metrics.listen: " + config.listen() + " is already in use (another broker on"
            + " this host? each needs its own port); set metrics.listen to a free port, e.g."
            + " 127.0.0.1:0 for any, or metrics.enabled: false";
      }
    }
    return "metrics.listen: cannot bind " + config.listen() + ": " + e.getMessage();
  }

  /** Logs where the metrics listener is, once the broker serves (after its own start line). */
  void logAddress(MetricsConfig config) {
    endpoint.ifPresent(e -> log.info("metrics served on {}:{} ({}): /metrics, /healthz, /readyz",
        e.address().getHostString(), e.address().getPort(),
        config.tls().isPresent() ? "tls" : "plaintext"));
  }

  /** Where the metrics listener is, when it runs. */
  Optional<InetSocketAddress> metricsAddress() {
    return endpoint.map(MetricsEndpoint::address);
  }

  private static FileWatch watchTls(LiveTls tls, String listener, BrokerMetrics metrics,
      Duration poll) throws IOException {
    return FileWatch.start(tls.files(), poll,
        () -> metrics.server().tlsReload(listener, tls.reload()), "credbroker-tls-watch");
  }

  /** A Netty context per material: rebuilt when a reload replaced it, so new connections use it. */
  private static Supplier<SslContext> sslContexts(LiveTls tls) {
    return new Supplier<>() {
      private Object built;
      private SslContext context;

      @Override
      public synchronized SslContext get() {
        if (built != tls.current()) {
          try {
            SslContextBuilder b = SslContextBuilder.forServer(tls.keyManager());
            tls.trustManager().ifPresent(t -> b.trustManager(t).clientAuth(ClientAuth.REQUIRE));
            context = b.build();
            built = tls.current();
          } catch (SSLException e) {
            throw new IllegalStateException("cannot build the metrics listener's TLS context", e);
          }
        }
        return context;
      }
    };
  }

  @Override
  public void close() {
    endpoint.ifPresent(MetricsEndpoint::close);
    watches.forEach(FileWatch::close);
    health.close();
  }
}
