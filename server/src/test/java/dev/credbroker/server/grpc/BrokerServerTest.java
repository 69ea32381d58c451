package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.ListenAddress;
import dev.credbroker.core.config.ServerConfig;
import dev.credbroker.core.config.ServerLimits;
import dev.credbroker.core.config.TlsConfig;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.proto.v1.WhoAmIResponse;
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
import java.util.concurrent.atomic.AtomicReference;
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
  void healthCheck_withoutToken_servesAndReturnsRequestId() throws Exception {
    BrokerServer server = start(config(Optional.empty()), BrokerServer.builder(config(Optional.empty())));
    AtomicReference<Metadata> headers = new AtomicReference<>();
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(plaintext(server))
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers,
            new AtomicReference<>()));

    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
    assertEquals(32, headers.get().get(CallInfoInterceptor.REQUEST_ID).length());
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
        CredentialBrokerGrpc.newBlockingStub(plaintext(server)).getAwsCredentials(
            dev.credbroker.proto.v1.GetAwsCredentialsRequest.getDefaultInstance()));

    assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
  }

  @Test
  void everyBrokerAndAuditRpc_withoutBearer_isUnauthenticatedBeforeAnyHandler() throws Exception {
    BrokerServer server = startPlaintext();
    ManagedChannel bare = Grpc.newChannelBuilderForAddress("localhost", server.address().getPort(),
        InsecureChannelCredentials.create()).build();
    channels.add(bare);

    List<Runnable> calls = List.of(
        () -> CredentialBrokerGrpc.newBlockingStub(bare).getAwsCredentials(
            dev.credbroker.proto.v1.GetAwsCredentialsRequest.getDefaultInstance()),
        () -> CredentialBrokerGrpc.newBlockingStub(bare).getSecretValue(
            dev.credbroker.proto.v1.GetSecretValueRequest.getDefaultInstance()),
        () -> CredentialBrokerGrpc.newBlockingStub(bare).listEntitlements(
            dev.credbroker.proto.v1.ListEntitlementsRequest.getDefaultInstance()),
        () -> CredentialBrokerGrpc.newBlockingStub(bare).whoAmI(WhoAmIRequest.getDefaultInstance()),
        () -> dev.credbroker.proto.v1.AuditServiceGrpc.newBlockingStub(bare)
            .searchAudit(dev.credbroker.proto.v1.SearchAuditRequest.getDefaultInstance()).hasNext());
    for (Runnable call : calls) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    }
    assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(bare)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus(), "health needs no token");
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
        ServerLimits.DEFAULTS, Duration.ofSeconds(1), true, Duration.ZERO);

    ConfigException e = assertThrows(ConfigException.class, () -> BrokerServer.builder(config).build());

    assertEquals("server.listen", e.keyPath());
    assertTrue(e.getMessage().contains("--insecure-plaintext"), e.getMessage());
  }

  @Test
  void plaintextOnNonLoopback_withExplicitFlag_isAllowed() throws Exception {
    ListenAddress all = new ListenAddress("0.0.0.0", 0);
    assertTrue(ListenerCredentials.create(all, Optional.empty(), true)
        instanceof io.grpc.InsecureServerCredentials);
    assertThrows(ConfigException.class, () -> ListenerCredentials.create(all, Optional.empty(), false));
    assertTrue(ListenerCredentials.create(new ListenAddress("127.0.0.1", 0), Optional.empty(), false)
        instanceof io.grpc.InsecureServerCredentials);
  }

  @Test
  void start_portInUse_saysSoInOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ServerConfig config = new ServerConfig(new ListenAddress("127.0.0.1", taken.getLocalPort()),
          Optional.empty(), ServerLimits.DEFAULTS, Duration.ofSeconds(1), true, Duration.ZERO);

      ServerStartException e = assertThrows(ServerStartException.class,
          () -> BrokerServer.builder(config).build().start());

      assertTrue(e.getMessage().startsWith("server.listen: the address is already in use"), e.getMessage());
    }
  }

  @Test
  void metadataAboveGrpcDefaultButWithinLimit_isAccepted() throws Exception {
    BrokerServer server = startPlaintext();
    Metadata big = new Metadata();
    big.put(Metadata.Key.of("x-large", Metadata.ASCII_STRING_MARSHALLER), "a".repeat(16 * 1024));

    assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(plaintext(server))
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(big))
        .check(HealthCheckRequest.getDefaultInstance()).getStatus(),
        "16 KiB of metadata passes the 32 KiB limit (gRPC's 8 KiB default would refuse it)");
  }

  @Test
  void messageAboveLimit_isResourceExhausted() throws Exception {
    BrokerServer server = startPlaintext();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
        CredentialBrokerGrpc.newBlockingStub(plaintext(server)).getAwsCredentials(
            dev.credbroker.proto.v1.GetAwsCredentialsRequest.newBuilder()
                .setRole("r".repeat(ServerLimits.DEFAULTS.maxInboundMessageBytes() + 1)).build()));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
  }

  @Test
  void concurrentCallsPerConnection_areCapped() throws Exception {
    HeldWhoAmI held = new HeldWhoAmI();
    ServerLimits d = ServerLimits.DEFAULTS;
    ServerLimits one = new ServerLimits(d.maxInboundMessageBytes(), d.maxInboundMetadataBytes(), 1,
        d.handshakeTimeout(), d.keepaliveTime(), d.keepaliveTimeout(), d.permitKeepaliveTime(),
        d.maxConnectionIdle(), d.maxConnectionAge(), d.maxConnectionAgeGrace());
    ServerConfig config = new ServerConfig(new ListenAddress("127.0.0.1", 0), Optional.empty(), one,
        WAIT, true, Duration.ZERO);
    BrokerServer server = start(config, BrokerServer.builder(config).addService(held));
    ManagedChannel channel = plaintext(server);
    var first = CredentialBrokerGrpc.newFutureStub(channel).whoAmI(WhoAmIRequest.getDefaultInstance());
    StreamObserver<WhoAmIResponse> inFlight = held.received.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    StatusRuntimeException second = assertThrows(StatusRuntimeException.class, () ->
        CredentialBrokerGrpc.newBlockingStub(channel).withDeadlineAfter(300, TimeUnit.MILLISECONDS)
            .whoAmI(WhoAmIRequest.getDefaultInstance()));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, second.getStatus().getCode(),
        "the second stream waits for the first to finish");

    inFlight.onNext(WhoAmIResponse.newBuilder().setSubject("first").build());
    inFlight.onCompleted();
    assertEquals("first", first.get(WAIT.toSeconds(), TimeUnit.SECONDS).getSubject());
  }

  @Test
  void shutdown_inFlightCall_finishesWithinGraceAndNewCallsAreRefused() throws Exception {
    HeldWhoAmI held = new HeldWhoAmI();
    ServerConfig config = new ServerConfig(new ListenAddress("127.0.0.1", 0), Optional.empty(),
        ServerLimits.DEFAULTS, WAIT, true, Duration.ZERO);
    BrokerServer server = start(config, BrokerServer.builder(config).addService(held));
    ManagedChannel channel = plaintext(server);
    var reply = CredentialBrokerGrpc.newFutureStub(channel).whoAmI(WhoAmIRequest.getDefaultInstance());
    StreamObserver<WhoAmIResponse> inFlight = held.received.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    CompletableFuture<Throwable> watchEnded = new CompletableFuture<>();
    CompletableFuture<Void> notServing = watchForNotServing(server, watchEnded);
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::shutdown);
    awaitRefusal(server, notServing);
    assertTrue(!stopping.isDone(), "shutdown waits for the in-flight call");
    inFlight.onNext(WhoAmIResponse.newBuilder().setSubject("still-served").build());
    inFlight.onCompleted();

    assertEquals("still-served", reply.get(WAIT.toSeconds(), TimeUnit.SECONDS).getSubject());
    stopping.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Status watchEnd = Status.fromThrowable(watchEnded.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(Status.Code.UNAVAILABLE, watchEnd.getCode(), "open Watch streams are ended");
    assertEquals("server is shutting down", watchEnd.getDescription());
  }

  @Test
  void shutdown_callOutlivingGrace_isCancelledAndStopCompletes() throws Exception {
    HeldWhoAmI held = new HeldWhoAmI();
    ServerConfig config = new ServerConfig(new ListenAddress("127.0.0.1", 0), Optional.empty(),
        ServerLimits.DEFAULTS, Duration.ofMillis(200), true, Duration.ZERO);
    BrokerServer server = start(config, BrokerServer.builder(config).addService(held));
    var reply = CredentialBrokerGrpc.newFutureStub(plaintext(server)).whoAmI(WhoAmIRequest.getDefaultInstance());
    held.received.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    server.shutdown();

    var e = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> reply.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(Status.Code.CANCELLED, Status.fromThrowable(e.getCause()).getCode());
  }

  /** Completes when health reports NOT_SERVING, the first step of a graceful stop. */
  private CompletableFuture<Void> watchForNotServing(BrokerServer server,
      CompletableFuture<Throwable> ended) throws Exception {
    CompletableFuture<Void> notServing = new CompletableFuture<>();
    CompletableFuture<Void> watching = new CompletableFuture<>();
    HealthGrpc.newStub(plaintext(server)).watch(HealthCheckRequest.getDefaultInstance(),
        new StreamObserver<>() {
          @Override
          public void onNext(io.grpc.health.v1.HealthCheckResponse r) {
            watching.complete(null);
            if (r.getStatus() == ServingStatus.NOT_SERVING) {
              notServing.complete(null);
            }
          }

          @Override
          public void onError(Throwable t) {
            notServing.complete(null);
            ended.complete(t);
          }

          @Override
          public void onCompleted() {}
        });
    watching.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return notServing;
  }

  /**
   * After NOT_SERVING, waits for the listener to refuse new calls, which follows within
   * microseconds; bounded by {@link #WAIT}.
   */
  private void awaitRefusal(BrokerServer server, CompletableFuture<Void> notServing)
      throws Exception {
    notServing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    ManagedChannel fresh = plaintext(server);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HealthGrpc.newBlockingStub(fresh).withDeadlineAfter(2, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
          return;
        }
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
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
        Duration.ofSeconds(5), true, Duration.ZERO);
  }

  private ManagedChannel plaintext(BrokerServer server) {
    return channel(server, InsecureChannelCredentials.create());
  }

  /** Channels send a well-formed (unverified) bearer token, as every broker call needs one. */
  private ManagedChannel channel(BrokerServer server, ChannelCredentials creds) {
    Metadata bearer = new Metadata();
    bearer.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer a.b.c");
    ManagedChannel c = Grpc.newChannelBuilderForAddress("localhost", server.address().getPort(), creds)
        .intercept(MetadataUtils.newAttachHeadersInterceptor(bearer)).build();
    channels.add(c);
    return c;
  }
}
