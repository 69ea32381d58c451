package dev.credbroker.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.grpc.AuditRecorder;
import dev.credbroker.server.grpc.BrokerState;
import dev.credbroker.server.grpc.CredentialBrokerService;
import dev.credbroker.server.health.HealthChecks;
import dev.credbroker.server.health.HealthMonitor;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.metrics.Probe;
import dev.credbroker.server.testing.LogCapture;
import dev.credbroker.server.testing.LoopbackBroker;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health tells the truth about the audit log: the real writer on a disk that fills up, behind a
 * real broker, looked at by the real health monitor (asked to look, not timed): gRPC health of
 * both services and /readyz turn NOT_SERVING while records cannot be written and SERVING once one
 * is, and each change is logged once.
 */
class AuditHealthTest {
  private static final List<String> SERVICES =
      List.of("", "credbroker.v1.CredentialBroker", "credbroker.v1.AuditService");
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService io = Executors.newCachedThreadPool();
  private final BrokerMetrics metrics = BrokerMetrics.detached();
  @TempDir Path dir;
  private DevIssuer idp;
  private AuditWriter writer;
  private LoopbackBroker broker;
  private HealthMonitor health;

  @AfterEach
  void stop() throws Exception {
    health.close();
    broker.close();
    writer.close();
    idp.close();
    io.shutdownNow();
  }

  @Test
  void unwritableAuditLog_turnsHealthNotServing_andBack() throws Exception {
    Path live = dir.resolve("audit.jsonl");
    FullDiskChannel[] channel = new FullDiskChannel[1];
    writer = AuditWriter.start(new FileAuditSink(live, Long.MAX_VALUE, Optional.empty(), file -> {
      channel[0] = new FullDiskChannel(FileAuditSink.FILES.open(file));
      return channel[0];
    }), AuditConfig.toFile(live), clock, Deferral.NONE, metrics.audit());
    idp = DevIssuer.start(clock);
    Authenticator authenticator = Authenticator.create(List.of(idp.issuerConfig()), clock, io);
    BrokerState state = new BrokerState(authenticator, new PolicyEngine(
        ConfigLoader.parse("server: {listen: 127.0.0.1:0}\n", "test", Path.of("."))));
    AuditRecorder recorder = new AuditRecorder(writer, List.of(), clock);
    broker = LoopbackBroker.start(Optional.of(recorder), Optional.empty(), metrics,
        new CredentialBrokerService(() -> state, null, null, "", clock, recorder));
    health = new HealthMonitor(new HealthChecks(writer::writable, authenticator::keySets,
        authenticator::retryUnusableKeys), broker.server()::serving, broker.server()::accepting);
    Metadata h = new Metadata();
    h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + idp.mint("alice", Map.of(), Duration.ofHours(1)));
    var alice = CredentialBrokerGrpc.newBlockingStub(broker.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
        .withDeadlineAfter(30, TimeUnit.SECONDS);

    try (LogCapture logs = new LogCapture()) {
      alice.whoAmI(WhoAmIRequest.getDefaultInstance());
      boolean servingBefore = health.check();
      List<ServingStatus> before = statuses();
      channel[0].full(true);
      assertThrows(StatusRuntimeException.class,
          () -> alice.whoAmI(WhoAmIRequest.getDefaultInstance()));
      boolean servingWhileFull = health.check();
      health.check(); // a second look at the same state logs nothing new
      List<ServingStatus> whileFull = statuses();
      Probe readyWhileFull = health.readiness();
      channel[0].full(false);
      alice.whoAmI(WhoAmIRequest.getDefaultInstance()); // health is advisory: callers still call
      boolean servingAfter = health.check();
      List<ServingStatus> after = statuses();

      assertTrue(servingBefore);
      assertEquals(List.of(ServingStatus.SERVING, ServingStatus.SERVING, ServingStatus.SERVING),
          before);
      assertEquals(false, servingWhileFull);
      assertEquals(List.of(ServingStatus.NOT_SERVING, ServingStatus.NOT_SERVING,
          ServingStatus.NOT_SERVING), whileFull);
      assertEquals(false, readyWhileFull.ok());
      assertTrue(readyWhileFull.details().contains("audit log: cannot be written"),
          readyWhileFull.details().toString());
      assertTrue(servingAfter);
      assertEquals(before, after);
      assertEquals(1, logs.lines().stream().filter(l -> l.contains("health: NOT_SERVING"))
          .count(), logs.lines().toString());
      assertEquals(1, logs.lines().stream()
          .filter(l -> l.contains("health: the audit log is writable again")).count());
    }
  }

  private List<ServingStatus> statuses() {
    var stub = HealthGrpc.newBlockingStub(broker.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
    return SERVICES.stream().map(s -> stub.check(HealthCheckRequest.newBuilder().setService(s)
        .build()).getStatus()).toList();
  }
}
