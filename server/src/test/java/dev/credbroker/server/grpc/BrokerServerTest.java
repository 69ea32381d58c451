package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.proto.v1.WhoAmIResponse;
import dev.credbroker.server.config.ConfigException;
import dev.credbroker.server.config.ListenAddress;
import dev.credbroker.server.config.ServerConfig;
import dev.credbroker.server.config.ServerLimits;
import dev.credbroker.server.config.TlsConfig;
import dev.credbroker.server.testing.TestPki;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerServerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<BrokerServer> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stopAll() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    servers.forEach(BrokerServer::shutdown);
  }

  @Test
  void start_ephemeralPort_reportsServingForBrokerAndOverall() throws Exception {
    BrokerServer server = start(config(Optional.empty()), BrokerServer.builder(config(Optional.empty())));
    ManagedChannel channel = plaintext(server);
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);

    assertTrue(server.address().getPort() > 0);
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
        .setService(CredentialBrokerGrpc.SERVICE_NAME).build()).getStatus());
  }

  @Test
  void reflection_listsBrokerAuditHealthServices() throws Exception {
    BrokerServer server = startPlaintext();

    Set<String> names = listServices(plaintext(server));

    assertTrue(names.containsAll(Set.of("credbroker.v1.CredentialBroker",
        "credbroker.v1.AuditService", "grpc.health.v1.Health")), names.toString());
  }

  @Test
  void rpcWithoutImplementation_answersUnimplemented() throws Exception {
    BrokerServer server = startPlaintext();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
        CredentialBrokerGrpc.newBlockingStub(plaintext(server)).whoAmI(WhoAmIRequest.getDefaultInstance()));

    assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
  }

  @Test
  void tls_clientTrustingCa_connectsAndChecksHealth() throws Exception {
    TestPki pki = TestPki.create(dir);
    ServerConfig config = config(Optional.of(new TlsConfig(pki.serverCert(), pki.serverKey(), Optional.empty())));
    BrokerServer server = start(config, BrokerServer.builder(config));

    ChannelCredentials creds = TlsChannelCredentials.newBuilder().trustManager(pki.caCert().toFile()).build();
    assertEquals(ServingStatus.SERVING, healthOf(channel(server, creds)));
  }

  @Test
  void tls_plaintextClient_cannotCall() throws Exception {
    TestPki pki = TestPki.create(dir);
    ServerConfig config = config(Optional.of(new TlsConfig(pki.serverCert(), pki.serverKey(), Optional.empty())));
    BrokerServer server = start(config, BrokerServer.builder(config));

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> healthOf(plaintext(server)));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
  }

  @Test
  void mtls_clientWithoutCertificate_isRejected() throws Exception {
    TestPki pki = TestPki.create(dir);
    ServerConfig config = config(Optional.of(
        new TlsConfig(pki.serverCert(), pki.serverKey(), Optional.of(pki.caCert()))));
    BrokerServer server = start(config, BrokerServer.builder(config));

    ChannelCredentials noCert = TlsChannelCredentials.newBuilder().trustManager(pki.caCert().toFile()).build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> healthOf(channel(server, noCert)));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());

    ChannelCredentials withCert = TlsChannelCredentials.newBuilder().trustManager(pki.caCert().toFile())
        .keyManager(pki.clientCert().toFile(), pki.clientKey().toFile()).build();
    assertEquals(ServingStatus.SERVING, healthOf(channel(server, withCert)));
  }

  @Test
  void plaintextOnNonLoopback_isRefusedBeforeBinding() {
    ServerConfig config = new ServerConfig(new ListenAddress("0.0.0.0", 0), Optional.empty(),
        ServerLimits.DEFAULTS, Duration.ofSeconds(1), true);

    ConfigException e = assertThrows(ConfigException.class, () -> BrokerServer.builder(config).build());

    assertEquals("server.listen", e.keyPath());
    assertTrue(e.getMessage().contains("--insecure-plaintext"), e.getMessage());
  }

  @Test
  void plaintextOnNonLoopback_withExplicitFlag_isAllowed() throws Exception {
    ServerConfig config = new ServerConfig(new ListenAddress("0.0.0.0", 0), Optional.empty(),
        ServerLimits.DEFAULTS, Duration.ofSeconds(1), true);

    BrokerServer built = BrokerServer.builder(config).insecurePlaintext(true).build();

    assertTrue(built != null);
  }

  @Test
  void start_portInUse_saysSoInOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ServerConfig config = new ServerConfig(new ListenAddress("127.0.0.1", taken.getLocalPort()),
          Optional.empty(), ServerLimits.DEFAULTS, Duration.ofSeconds(1), true);

      ServerStartException e = assertThrows(ServerStartException.class,
          () -> BrokerServer.builder(config).build().start());

      assertTrue(e.getMessage().startsWith("server.listen: the address is already in use"), e.getMessage());
    }
  }

  @Test
  void oversizedMetadata_isRefusedWithoutReachingHandlers() throws Exception {
    BrokerServer server = startPlaintext();
    Metadata huge = new Metadata();
    huge.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + "a".repeat(ServerLimits.DEFAULTS.maxInboundMetadataBytes() + 1));

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
        CredentialBrokerGrpc.newBlockingStub(plaintext(server))
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(huge))
            .whoAmI(WhoAmIRequest.getDefaultInstance()));

    assertTrue(Set.of(Status.Code.RESOURCE_EXHAUSTED, Status.Code.INTERNAL, Status.Code.UNAVAILABLE)
        .contains(e.getStatus().getCode()), e.getStatus().toString());
    assertEquals(ServingStatus.SERVING, healthOf(plaintext(server)), "server still healthy");
  }

  @Test
  void shutdown_inFlightCall_finishesWithinGraceAndNewCallsAreRefused() throws Exception {
    HeldWhoAmI held = new HeldWhoAmI();
    ServerConfig config = new ServerConfig(new ListenAddress("127.0.0.1", 0), Optional.empty(),
        ServerLimits.DEFAULTS, WAIT, true);
    BrokerServer server = start(config, BrokerServer.builder(config).addService(held));
    ManagedChannel channel = plaintext(server);
    var reply = CredentialBrokerGrpc.newFutureStub(channel).whoAmI(WhoAmIRequest.getDefaultInstance());
    StreamObserver<WhoAmIResponse> inFlight = held.received.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::shutdown);
    awaitRefusal(plaintext(server));
    assertTrue(!stopping.isDone(), "shutdown waits for the in-flight call");
    inFlight.onNext(WhoAmIResponse.newBuilder().setSubject("still-served").build());
    inFlight.onCompleted();

    assertEquals("still-served", reply.get(WAIT.toSeconds(), TimeUnit.SECONDS).getSubject());
    stopping.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void shutdown_callOutlivingGrace_isCancelledAndStopCompletes() throws Exception {
    HeldWhoAmI held = new HeldWhoAmI();
    ServerConfig config = new ServerConfig(new ListenAddress("127.0.0.1", 0), Optional.empty(),
        ServerLimits.DEFAULTS, Duration.ofMillis(200), true);
    BrokerServer server = start(config, BrokerServer.builder(config).addService(held));
    var reply = CredentialBrokerGrpc.newFutureStub(plaintext(server)).whoAmI(WhoAmIRequest.getDefaultInstance());
    held.received.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    server.shutdown();

    var e = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> reply.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(Status.Code.CANCELLED, Status.fromThrowable(e.getCause()).getCode());
  }

  /** Polls health until the server refuses new calls; bounded by {@link #WAIT}. */
  private static void awaitRefusal(ManagedChannel channel) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HealthGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
          return;
        }
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("server kept accepting new calls after shutdown began");
  }

  /** Holds WhoAmI calls open until the test answers them, without blocking a transport thread. */
  private static final class HeldWhoAmI extends CredentialBrokerGrpc.CredentialBrokerImplBase {
    final CompletableFuture<StreamObserver<WhoAmIResponse>> received = new CompletableFuture<>();

    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> response) {
      received.complete(response);
    }
  }

  private static ServingStatus healthOf(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }

  private static Set<String> listServices(ManagedChannel channel) throws Exception {
    CompletableFuture<Set<String>> result = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse r) {
            Set<String> names = new TreeSet<>();
            for (ServiceResponse s : r.getListServicesResponse().getServiceList()) {
              names.add(s.getName());
            }
            result.complete(names);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    return result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private BrokerServer startPlaintext() throws Exception {
    ServerConfig config = config(Optional.empty());
    return start(config, BrokerServer.builder(config));
  }

  private BrokerServer start(ServerConfig config, BrokerServer.Builder builder) throws Exception {
    BrokerServer server = builder.build().start();
    servers.add(server);
    return server;
  }

  private static ServerConfig config(Optional<TlsConfig> tls) {
    return new ServerConfig(new ListenAddress("127.0.0.1", 0), tls, ServerLimits.DEFAULTS,
        Duration.ofSeconds(5), true);
  }

  private ManagedChannel plaintext(BrokerServer server) {
    return channel(server, InsecureChannelCredentials.create());
  }

  private ManagedChannel channel(BrokerServer server, ChannelCredentials creds) {
    ManagedChannel c = Grpc.newChannelBuilderForAddress("localhost", server.address().getPort(), creds).build();
    channels.add(c);
    return c;
  }
}
