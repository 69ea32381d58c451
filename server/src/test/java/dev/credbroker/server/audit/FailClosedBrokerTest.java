package dev.credbroker.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditVerifier;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.server.metrics.BrokerMetrics;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real writer on a disk that fills up, behind a real broker: callers see UNAVAILABLE while the
 * disk is full, service resumes when space returns, and the file's chain holds only what was
 * answered.
 */
class FailClosedBrokerTest {
  @TempDir Path dir;
  private FullDiskBroker disk;

  @AfterEach
  void stop() throws Exception {
    disk.close();
  }

  @Test
  void diskFull_brokerAnswersUnavailable_thenRecovers() throws Exception {
    disk = new FullDiskBroker(dir, BrokerMetrics.detached());
    var alice = disk.caller("alice");
    var anonymous = disk.anonymous();

    alice.whoAmI(WhoAmIRequest.getDefaultInstance());
    disk.full(true);
    Status full = assertThrows(StatusRuntimeException.class,
        () -> alice.whoAmI(WhoAmIRequest.getDefaultInstance())).getStatus();
    Status fullAnonymous = assertThrows(StatusRuntimeException.class,
        () -> anonymous.whoAmI(WhoAmIRequest.getDefaultInstance())).getStatus();
    disk.full(false);
    alice.whoAmI(WhoAmIRequest.getDefaultInstance());

    assertEquals(Status.Code.UNAVAILABLE, full.getCode());
    assertTrue(full.getDescription().contains("cannot write its audit log"), full.getDescription());
    assertEquals(Status.Code.UNAVAILABLE, fullAnonymous.getCode(), "refusals are not sent unrecorded");
    disk.writer.close();
    AuditVerifier.Report report = AuditVerifier.verify(List.of(disk.live));
    assertTrue(report.ok(), report.toString());
    assertEquals(2, report.decisions(), "the two answered calls, nothing of the refused ones");
  }
}
