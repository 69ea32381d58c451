package dev.credbroker.server.grpc;

import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.ServerConfig;
import dev.credbroker.core.config.ServerLimits;
import dev.credbroker.proto.v1.AdminServiceGrpc;
import dev.credbroker.proto.v1.AuditServiceGrpc;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.metrics.ServerMetrics;
import dev.credbroker.server.tls.LiveTls;
import dev.credbroker.server.tls.TlsMaterial;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's gRPC listener with health and reflection. Calls run on the transport threads
 * (direct executor): handlers must never block, and hand I/O to an executor of their own. This
 * removes a thread hand-off per call, which costs more than the transport itself.
 */
public final class BrokerServer {
  private static final Logger log = LoggerFactory.getLogger(BrokerServer.class);
  /**
   * How many times {@code max_inbound_message_size} the transport admits: a body between the two
   * reaches the broker, which refuses it with RESOURCE_EXHAUSTED and an audit record; only beyond
   * it does gRPC itself refuse the call, unrecorded.
   */
  static final int TRANSPORT_HEADROOM = 4;
  private static final Duration FORCED_STOP_WAIT = Duration.ofSeconds(5);

  private final Server server;
  private final HealthStatusManager health;
  private final HealthWatchers watchers;
  private final List<String> serviceNames;
  private final Duration grace;
  private final Duration drainDelay;
  private final String description;
  private final ServerMetrics metrics;
  private final Optional<LiveTls> tls;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean serving = true;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private BrokerServer(Server server, HealthStatusManager health, HealthWatchers watchers,
      List<String> serviceNames, Duration grace, Duration drainDelay, String description,
      ServerMetrics metrics, Optional<LiveTls> tls) {
    this.metrics = metrics;
    this.tls = tls;
    this.server = server;
    this.health = health;
    this.watchers = watchers;
    this.serviceNames = serviceNames;
    this.grace = grace;
    this.drainDelay = drainDelay;
    this.description = description;
  }

  public static Builder builder(ServerConfig config) {
    return new Builder(config);
  }

  /** Binds and starts serving; health turns SERVING only once the port is open. */
  public BrokerServer start() throws ServerStartException {
    if (stopping.get()) {
      throw new ServerStartException("stopped before it started");
    }
    try {
      server.start();
    } catch (IOException e) {
      throw new ServerStartException(bindProblem(e));
    }
    started.set(true);
    serving(serving);
    InetSocketAddress bound = address();
    log.info("credbroker listening on {}:{} ({})", bound.getHostString(), bound.getPort(),
        description);
    return this;
  }

  /**
   * Reports every service (and the server as a whole) SERVING or NOT_SERVING in gRPC health, once
   * the port is open; what health says before, and what is set after a stop began, is ignored.
   */
  public synchronized void serving(boolean up) {
    serving = up;
    if (!started.get() || stopping.get()) {
      return;
    }
    ServingStatus status = up ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus("", status);
    serviceNames.forEach(name -> {
      health.setStatus(name, status);
      metrics.serving(name, up);
    });
  }

  /** Whether calls are being taken: the port is open and no stop has begun. */
  public boolean accepting() {
    return started.get() && !stopping.get();
  }

  /** The listener's TLS material, when it has TLS (for reloads and the certificate's expiry). */
  public Optional<LiveTls> tls() {
    return tls;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  /**
   * Graceful stop: report NOT_SERVING so load balancers drain, refuse new calls, let in-flight
   * calls finish within the grace period, then cancel what is left. Safe to call more than once.
   */
  public void shutdown() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    log.info("stopping: refusing new calls, waiting up to {} ms for in-flight calls",
        grace.toMillis());
    synchronized (this) {
      health.enterTerminalState();
    }
    serviceNames.forEach(name -> metrics.serving(name, false));
    try {
      if (!drainDelay.isZero()) {
        log.info("health is NOT_SERVING; draining for {} ms before refusing calls", drainDelay.toMillis());
        Thread.sleep(drainDelay.toMillis());
      }
      server.shutdown();
      watchers.closeAll();
      if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("grace period over; cancelling the calls still in flight");
        server.shutdownNow();
        server.awaitTermination(FORCED_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    log.info("stopped");
    stopped.countDown();
  }

  /** Cancels every call in flight at once (a second SIGTERM). */
  public void shutdownNow() {
    server.shutdownNow();
  }

  /** Blocks until {@link #shutdown()} has finished, in-flight calls included. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  private static String bindProblem(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String reason = Objects.requireNonNullElse(t.getMessage(), "");
      if (reason.toLowerCase(Locale.ROOT).contains("in use")) {
        return "server.listen: the address is already in use (is another broker running?);"
            + " choose a free port or stop the process that holds it";
      }
      if (t.getCause() == null) {
        return "server.listen: cannot bind: " + (reason.isEmpty() ? t.getClass().getSimpleName() : reason);
      }
    }
    return "server.listen: cannot bind";
  }

  /** Assembles a server from configuration; the one place transport settings are applied. */
  public static final class Builder {
    private final ServerConfig config;
    private final List<BindableService> services = new ArrayList<>();
    private Optional<LiveTls> tls = Optional.empty();
    private BrokerMetrics metrics = BrokerMetrics.detached();
    private boolean insecurePlaintext;
    private Optional<AuditRecorder> audit = Optional.empty();
    private Optional<EventLoops> eventLoops = Optional.empty();

    private Builder(ServerConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    public Builder tls(TlsMaterial material) throws ConfigException {
      return tls(LiveTls.fixed(material, "server.tls"));
    }

    /** TLS whose material may be reloaded: new connections use what it holds when they arrive. */
    public Builder tls(LiveTls material) {
      this.tls = Optional.of(material);
      return this;
    }

    /** Counts refusals before the services and reports health into {@code metrics}. */
    public Builder metrics(BrokerMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** Allows plaintext on a non-loopback address (the {@code --insecure-plaintext} flag). */
    public Builder insecurePlaintext(boolean allowed) {
      this.insecurePlaintext = allowed;
      return this;
    }

    /** Records calls refused for want of a bearer token, before any service sees them. */
    public Builder audit(AuditRecorder recorder) {
      this.audit = Optional.of(recorder);
      return this;
    }

    /** Serves on these network threads rather than gRPC's default ones. */
    public Builder eventLoops(EventLoops loops) {
      this.eventLoops = Optional.of(loops);
      return this;
    }

    public Builder addService(BindableService service) {
      services.add(Objects.requireNonNull(service, "service"));
      return this;
    }

    public BrokerServer build() throws ConfigException {
      if (tls.isEmpty() && config.tls().isPresent()) {
        tls = Optional.of(LiveTls.load(config.tls().get(), "server.tls"));
      }
      tls.map(LiveTls::current).filter(t -> t.expiredAt(java.time.Instant.now())).ifPresent(t -> log.warn(
          "the TLS certificate {} expired at {}; clients will refuse it",
          t.leaf().getSubjectX500Principal().getName(), t.leaf().getNotAfter().toInstant()));
      ServerLimits limits = config.limits();
      NettyServerBuilder nb = NettyServerBuilder
          .forAddress(config.listen().toSocketAddress(),
              ListenerCredentials.create(config.listen(), tls, insecurePlaintext))
          .directExecutor()
          .maxInboundMessageSize(limits.maxInboundMessageBytes() * TRANSPORT_HEADROOM)
          .maxInboundMetadataSize(limits.maxInboundMetadataBytes())
          .maxConcurrentCallsPerConnection(limits.maxConcurrentCallsPerConnection())
          .handshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .keepAliveTime(limits.keepaliveTime().toMillis(), TimeUnit.MILLISECONDS)
          .keepAliveTimeout(limits.keepaliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .permitKeepAliveTime(limits.permitKeepaliveTime().toMillis(), TimeUnit.MILLISECONDS)
          .permitKeepAliveWithoutCalls(false)
          .maxConnectionIdle(limits.maxConnectionIdle().toMillis(), TimeUnit.MILLISECONDS)
          .maxConnectionAge(limits.maxConnectionAge().toMillis(), TimeUnit.MILLISECONDS)
          .maxConnectionAgeGrace(limits.maxConnectionAgeGrace().toMillis(), TimeUnit.MILLISECONDS);
      eventLoops.ifPresent(loops -> loops.configure(nb));

      HealthStatusManager health = new HealthStatusManager();
      List<BindableService> all = new ArrayList<>(services);
      if (all.stream().noneMatch(s -> isService(s, CredentialBrokerGrpc.SERVICE_NAME))) {
        all.add(new CredentialBrokerGrpc.CredentialBrokerImplBase() {});
      }
      if (all.stream().noneMatch(s -> isService(s, AuditServiceGrpc.SERVICE_NAME))) {
        all.add(new AuditServiceGrpc.AuditServiceImplBase() {});
      }
      if (all.stream().noneMatch(s -> isService(s, AdminServiceGrpc.SERVICE_NAME))) {
        all.add(new AdminServiceGrpc.AdminServiceImplBase() {});
      }
      List<String> names = new ArrayList<>();
      CallInfoInterceptor callInfo = new CallInfoInterceptor();
      RequireBearerInterceptor bearer = new RequireBearerInterceptor(audit);
      MalformedRequests malformed = MalformedRequests.create(audit, java.time.Clock.systemUTC());
      for (BindableService s : all) {
        ServerServiceDefinition definition = RequestParsing.wrap(s.bindService(), malformed,
            limits.maxInboundMessageBytes(), metrics.server());
        names.add(definition.getServiceDescriptor().getName());
        if (audit.isPresent()) {
          Rpcs.requireNamed(definition); // every refusal of these services is recorded by name
        }
        // Interceptors run last-added first: call info is captured, then the bearer is required;
        // request bodies are parsed inside both, so a malformed one is refused and recorded.
        nb.addService(ServerInterceptors.intercept(definition, bearer, callInfo));
      }
      HealthWatchers watchers = new HealthWatchers();
      // Health needs no token, but gets a request id like every call (and so is the benchmarks'
      // baseline: same transport, executor and call-info work as the broker's own RPCs).
      MalformedRequests unaudited = malformed.unaudited();
      nb.addService(ServerInterceptors.intercept(RequestParsing.wrap(
          health.getHealthService().bindService(), unaudited, limits.maxInboundMessageBytes(),
          metrics.server()),
          watchers, callInfo));
      if (config.reflection()) {
        nb.addService(RequestParsing.wrap(ProtoReflectionServiceV1.newInstance().bindService(),
            unaudited, limits.maxInboundMessageBytes(), metrics.server()));
        nb.addService(RequestParsing.wrap(legacyReflection().bindService(), unaudited,
            limits.maxInboundMessageBytes(), metrics.server()));
      }
      String description = (tls.isPresent() ? "tls" : "PLAINTEXT")
          + (tls.flatMap(t -> t.trustManager()).isPresent() ? ", client certificates required" : "")
          + (config.reflection() ? ", reflection on" : "");
      if (tls.isEmpty() && !config.listen().isLoopback()) {
        log.warn("INSECURE: plaintext gRPC on non-loopback address {}; tokens and credentials"
            + " cross the network unencrypted", config.listen());
      }
      tls.ifPresent(t -> metrics.server().certificate("grpc", () -> t.current().leaf()));
      return new BrokerServer(nb.build(), health, watchers, List.copyOf(names), config.shutdownGrace(),
          config.drainDelay(), description, metrics.server(), tls);
    }

    /** v1alpha reflection, which older clients (grpcurl before 1.8.8, grpcio 1.5x) still use. */
    @SuppressWarnings("deprecation")
    private static BindableService legacyReflection() {
      return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }

    private static boolean isService(BindableService s, String name) {
      return s.bindService().getServiceDescriptor().getName().equals(name);
    }
  }
}
