package dev.credbroker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditFiles;
import dev.credbroker.core.audit.AuditVerifier;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.proto.v1.WhoAmIResponse;
import dev.credbroker.server.testing.DevBanner;
import dev.credbroker.server.testing.ProcessRunner;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log across process deaths: what a SIGKILL leaves verifies, and a restart continues. */
class AuditProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void sigkillUnderLoad_leavesAVerifiableFile_andTheRestartedBrokerContinuesTheChain()
      throws Exception {
    Path config = dir.resolve("config.yaml");
    // One caller's unbroken load: the caller's rate limit would stop it (RateLimitTest covers it).
    Files.writeString(config, "server: {listen: 127.0.0.1:0}\naudit: {file: audit.jsonl}\n"
        + "metrics: {listen: 127.0.0.1:0}\n"
        + "rate_limits: {enabled: false}\n");
    Path live = dir.resolve("audit.jsonl");

    int answered;
    try (ProcessRunner broker = start(config)) {
      Endpoint e = endpoint(broker);
      AtomicInteger ok = new AtomicInteger();
      CountDownLatch enough = new CountDownLatch(300);
      try (Load load = new Load(e, ok, enough)) {
        assertTrue(enough.await(WAIT.toSeconds(), TimeUnit.SECONDS), "300 answered calls");
        new ProcessBuilder("kill", "-KILL", Long.toString(broker.pid())).start().waitFor();
        broker.awaitExit(WAIT);
        answered = ok.get();
      }
    }
    AuditVerifier.Report killed = AuditVerifier.verify(AuditFiles.segments(live));
    assertTrue(killed.verified() >= answered, "every answered call is on record: "
        + killed.verified() + " records for " + answered + " answers");
    killed.problem().ifPresent(p -> assertTrue(p.what().startsWith("incomplete"), p.toString()));

    try (ProcessRunner broker = start(config)) {
      Endpoint e = endpoint(broker);
      for (int i = 0; i < 5; i++) {
        e.stub().whoAmI(WhoAmIRequest.getDefaultInstance());
      }
      e.channel().shutdownNow();
      broker.terminate();
      assertEquals(0, broker.awaitExit(WAIT), broker.output());
    }
    AuditVerifier.Report restarted = AuditVerifier.verify(AuditFiles.segments(live));
    assertTrue(restarted.ok(), restarted.toString());
    assertEquals(killed.decisions() + 5, restarted.decisions());
    assertEquals(0, restarted.unsealed(), "the restart sealed the killed run's tail, the stop its own");
  }

  @Test
  void configWithoutAudit_exitsTwoAndSaysWhatToWrite() throws Exception {
    assertEquals("credbroker: config error: audit: required: every decision is recorded; write"
        + " for example audit: {file: /var/log/credbroker/audit.jsonl}",
        runToExit(2, "server: {listen: 127.0.0.1:0}\n"));
  }

  @Test
  void auditDirectoryMissing_exitsOneNamingIt() throws Exception {
    String out = runToExit(1, "server: {listen: 127.0.0.1:0}\naudit: {file: nowhere/audit.jsonl}\n");
    assertTrue(out.matches("credbroker: cannot start: audit directory \\S+nowhere does not exist"),
        out);
  }

  private String runToExit(int expected, String yaml) throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, yaml);
    try (ProcessRunner p = ProcessRunner.start(ProcessRunner.javaCommand(Main.class.getName(),
        "--config", config.toString()))) {
      assertEquals(expected, p.awaitExit(WAIT), p.output());
      return p.output().strip();
    }
  }

  private static ProcessRunner start(Path config) throws Exception {
    return ProcessRunner.start(ProcessRunner.javaCommand(Main.class.getName(), "--dev",
        "--config", config.toString()));
  }

  private record Endpoint(ManagedChannel channel, CredentialBrokerGrpc.CredentialBrokerBlockingStub stub,
      CredentialBrokerGrpc.CredentialBrokerStub async) {}

  private static Endpoint endpoint(ProcessRunner broker) throws Exception {
    Matcher port = broker.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT);
    int p = Integer.parseInt(port.group(1));
    String token = DevBanner.token(broker, WAIT);
    Metadata h = new Metadata();
    h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", p,
        InsecureChannelCredentials.create()).build();
    return new Endpoint(channel, CredentialBrokerGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h)),
        CredentialBrokerGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h)));
  }

  /** Eight callers in a loop until closed, counting answered calls. */
  private static final class Load implements AutoCloseable {
    private final Endpoint endpoint;
    private final AtomicInteger ok;
    private final CountDownLatch progress;
    private volatile boolean stopped;

    Load(Endpoint endpoint, AtomicInteger ok, CountDownLatch progress) {
      this.endpoint = endpoint;
      this.ok = ok;
      this.progress = progress;
      for (int i = 0; i < 8; i++) {
        next();
      }
    }

    private void next() {
      if (stopped) {
        return;
      }
      endpoint.async().whoAmI(WhoAmIRequest.getDefaultInstance(), new StreamObserver<>() {
        @Override
        public void onNext(WhoAmIResponse value) {
          if (!stopped) {
            ok.incrementAndGet();
          }
          progress.countDown();
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          next();
        }
      });
    }

    @Override
    public void close() {
      stopped = true;
      endpoint.channel().shutdownNow();
    }
  }
}
