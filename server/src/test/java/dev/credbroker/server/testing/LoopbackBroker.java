package dev.credbroker.server.testing;

import dev.credbroker.core.config.ListenAddress;
import dev.credbroker.core.config.ServerConfig;
import dev.credbroker.core.config.ServerLimits;
import dev.credbroker.server.grpc.AuditRecorder;
import dev.credbroker.server.grpc.BrokerServer;
import dev.credbroker.server.grpc.EventLoops;
import dev.credbroker.server.metrics.BrokerMetrics;
import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A broker server on a free loopback port with a plaintext channel to it; closed after a test. */
public record LoopbackBroker(BrokerServer server, ManagedChannel channel) implements AutoCloseable {

  public static LoopbackBroker start(BindableService service) throws Exception {
    return start(Optional.empty(), service);
  }

  /** With {@code audit}, calls refused for want of a bearer token are recorded too. */
  public static LoopbackBroker start(Optional<AuditRecorder> audit, BindableService... services)
      throws Exception {
    return start(audit, Optional.empty(), services);
  }

  /** Served on {@code loops}, the broker's own network threads, as {@code Main} does. */
  public static LoopbackBroker start(Optional<AuditRecorder> audit, Optional<EventLoops> loops,
      BindableService... services) throws Exception {
    return start(audit, loops, BrokerMetrics.detached(), services);
  }

  /** Reporting refusals and health into {@code metrics}. */
  public static LoopbackBroker start(Optional<AuditRecorder> audit, Optional<EventLoops> loops,
      BrokerMetrics metrics, BindableService... services) throws Exception {
    BrokerServer.Builder builder = BrokerServer.builder(new ServerConfig(
        new ListenAddress("127.0.0.1", 0), Optional.empty(), ServerLimits.DEFAULTS,
        Duration.ofSeconds(5), true, Duration.ZERO)).metrics(metrics);
    audit.ifPresent(builder::audit);
    loops.ifPresent(builder::eventLoops);
    for (BindableService service : services) {
      builder.addService(service);
    }
    BrokerServer server = builder.build().start();
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1",
        server.address().getPort(), InsecureChannelCredentials.create()).build();
    return new LoopbackBroker(server, channel);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdown();
  }
}
