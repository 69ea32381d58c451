package dev.credbroker.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditVerifier;
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
import dev.credbroker.server.testing.LoopbackBroker;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
 * The real writer on a disk that fills up, behind a real broker: callers see UNAVAILABLE while the
 * disk is full, service resumes when space returns, and the file's chain holds only what was
 * answered.
 */
class FailClosedBrokerTest {
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService io = Executors.newCachedThreadPool();
  @TempDir Path dir;
  private DevIssuer idp;
  private AuditWriter writer;
  private LoopbackBroker broker;

  @AfterEach
  void stop() throws Exception {
    broker.close();
    writer.close();
    idp.close();
    io.shutdownNow();
  }

  @Test
  void diskFull_brokerAnswersUnavailable_thenRecovers() throws Exception {
    Path live = dir.resolve("audit.jsonl");
    FullDiskChannel[] channel = new FullDiskChannel[1];
    writer = AuditWriter.start(new FileAuditSink(live, Long.MAX_VALUE, Optional.empty(), file -> {
      channel[0] = new FullDiskChannel(FileAuditSink.FILES.open(file));
      return channel[0];
    }), AuditConfig.toFile(live), clock);
    idp = DevIssuer.start(clock);
    BrokerState state = new BrokerState(Authenticator.create(List.of(idp.issuerConfig()), clock, io),
        new PolicyEngine(ConfigLoader.parse("server: {listen: 127.0.0.1:0}\n", "test", Path.of("."))));
    AuditRecorder recorder = new AuditRecorder(writer, List.of(), clock);
    broker = LoopbackBroker.start(Optional.of(recorder),
        new CredentialBrokerService(() -> state, null, null, "", clock, recorder));
    Metadata h = new Metadata();
    h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + idp.mint("alice", Map.of(), Duration.ofHours(1)));
    var alice = CredentialBrokerGrpc.newBlockingStub(broker.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
    var anonymous = CredentialBrokerGrpc.newBlockingStub(broker.channel())
        .withDeadlineAfter(30, TimeUnit.SECONDS);

    alice.whoAmI(WhoAmIRequest.getDefaultInstance());
    channel[0].full(true);
    Status full = assertThrows(StatusRuntimeException.class,
        () -> alice.whoAmI(WhoAmIRequest.getDefaultInstance())).getStatus();
    Status fullAnonymous = assertThrows(StatusRuntimeException.class,
        () -> anonymous.whoAmI(WhoAmIRequest.getDefaultInstance())).getStatus();
    channel[0].full(false);
    alice.whoAmI(WhoAmIRequest.getDefaultInstance());

    assertEquals(Status.Code.UNAVAILABLE, full.getCode());
    assertTrue(full.getDescription().contains("cannot write its audit log"), full.getDescription());
    assertEquals(Status.Code.UNAVAILABLE, fullAnonymous.getCode(), "refusals are not sent unrecorded");
    writer.close();
    AuditVerifier.Report report = AuditVerifier.verify(List.of(live));
    assertTrue(report.ok(), report.toString());
    assertEquals(2, report.decisions(), "the two answered calls, nothing of the refused ones");
  }
}
