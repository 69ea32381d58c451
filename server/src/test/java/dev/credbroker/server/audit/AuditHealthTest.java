package dev.credbroker.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.health.HealthChecks;
import dev.credbroker.server.health.HealthMonitor;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.metrics.Probe;
import dev.credbroker.server.testing.LogCapture;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.util.List;
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
  @TempDir Path dir;
  private FullDiskBroker disk;
  private HealthMonitor health;

  @AfterEach
  void stop() throws Exception {
    health.close();
    disk.close();
  }

  @Test
  void unwritableAuditLog_turnsHealthNotServing_andBack() throws Exception {
    disk = new FullDiskBroker(dir, BrokerMetrics.detached());
    Authenticator authenticator = disk.authenticator;
    health = new HealthMonitor(new HealthChecks(disk.writer::writable, authenticator::keySets,
        authenticator::retryUnusableKeys), disk.broker.server()::serving,
        disk.broker.server()::accepting);
    var alice = disk.caller("alice");

    try (LogCapture logs = new LogCapture()) {
      alice.whoAmI(WhoAmIRequest.getDefaultInstance());
      boolean servingBefore = health.check();
      List<ServingStatus> before = statuses();
      disk.full(true);
      assertThrows(StatusRuntimeException.class,
          () -> alice.whoAmI(WhoAmIRequest.getDefaultInstance()));
      boolean servingWhileFull = health.check();
      health.check(); // a second look at the same state logs nothing new
      List<ServingStatus> whileFull = statuses();
      Probe readyWhileFull = health.readiness();
      disk.full(false);
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
    var stub = HealthGrpc.newBlockingStub(disk.broker.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
    return SERVICES.stream().map(s -> stub.check(HealthCheckRequest.newBuilder().setService(s)
        .build()).getStatus()).toList();
  }
}
