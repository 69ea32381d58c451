package dev.credbroker.server.audit;

import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.grpc.AuditRecorder;
import dev.credbroker.server.grpc.BrokerState;
import dev.credbroker.server.grpc.CredentialBrokerService;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.testing.LoopbackBroker;
import io.grpc.Metadata;
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

/**
 * A broker (WhoAmI and friends, the dev issuer's tokens) whose audit log is the real writer on a
 * disk the test fills up and frees at will ({@link #full}).
 */
final class FullDiskBroker implements AutoCloseable {
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService io = Executors.newCachedThreadPool();
  private final FullDiskChannel[] channel = new FullDiskChannel[1];
  final Path live;
  final AuditWriter writer;
  final DevIssuer idp;
  final Authenticator authenticator;
  final LoopbackBroker broker;

  FullDiskBroker(Path dir, BrokerMetrics metrics) throws Exception {
    live = dir.resolve("audit.jsonl");
    writer = AuditWriter.start(new FileAuditSink(live, Long.MAX_VALUE, Optional.empty(), file -> {
      channel[0] = new FullDiskChannel(FileAuditSink.FILES.open(file));
      return channel[0];
    }), AuditConfig.toFile(live), clock, Deferral.NONE, metrics.audit());
    idp = DevIssuer.start(clock);
    authenticator = Authenticator.create(List.of(idp.issuerConfig()), clock, io);
    BrokerState state = new BrokerState(authenticator, new PolicyEngine(
        ConfigLoader.parse("server: {listen: 127.0.0.1:0}\n", "test", Path.of("."))));
    AuditRecorder recorder = new AuditRecorder(writer, List.of(), clock);
    broker = LoopbackBroker.start(Optional.of(recorder), Optional.empty(), metrics,
        new CredentialBrokerService(() -> state, null, null, "", clock, recorder));
  }

  /** Writes fail with ENOSPC while full. */
  void full(boolean full) {
    channel[0].full(full);
  }

  /** A stub calling with a token of {@code subject}. */
  CredentialBrokerGrpc.CredentialBrokerBlockingStub caller(String subject) {
    Metadata h = new Metadata();
    h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + idp.mint(subject, Map.of(), Duration.ofHours(1)));
    return anonymous().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
  }

  CredentialBrokerGrpc.CredentialBrokerBlockingStub anonymous() {
    return CredentialBrokerGrpc.newBlockingStub(broker.channel())
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    broker.close();
    writer.close();
    idp.close();
    io.shutdownNow();
  }
}
