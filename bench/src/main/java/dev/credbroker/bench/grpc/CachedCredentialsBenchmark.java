package dev.credbroker.bench.grpc;

import dev.credbroker.bench.cache.VendingStack;
import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.core.config.ListenAddress;
import dev.credbroker.core.config.ServerConfig;
import dev.credbroker.core.config.ServerLimits;
import dev.credbroker.proto.v1.AwsCredentials;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.proto.v1.SecretValue;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.proto.v1.WhoAmIResponse;
import dev.credbroker.server.grpc.AuditRecorder;
import dev.credbroker.server.grpc.BrokerServer;
import dev.credbroker.server.grpc.BrokerState;
import dev.credbroker.server.grpc.CredentialBrokerService;
import dev.credbroker.server.grpc.EventLoops;
import dev.credbroker.server.testing.RawBytes;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cached GetAwsCredentials and cached GetSecretValue against an empty unary RPC on the same
 * server (same transport, executor and interceptors: call info and bearer check), plus WhoAmI
 * (authentication only), all in one run so the ratios hold on a noisy machine; each without an
 * audit log and with the real one in both durabilities, which is the audit log's cost. Plaintext
 * on loopback; client and server share the machine's cores. Throughput and the latency
 * distribution (p50/p99/p99.9) per call.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar CachedCredentials} (add
 * {@code -p audit=none} for the path without audit only)
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Threads(8)
@Fork(1)
public class CachedCredentialsBenchmark {
  /** Raw bytes both ways: the cheapest possible payload for the baseline. */
  private static final MethodDescriptor<byte[], byte[]> EMPTY = RawBytes.method(
      "credbroker.bench.Empty/Call", MethodDescriptor.MethodType.UNARY);

  /** {@code none} measures the path without an audit log, the others with the real writer. */
  @Param({"none", "OS_BUFFERED", "FSYNC"})
  public String audit;

  private static final dev.credbroker.server.audit.AuditLog DISCARD =
      new dev.credbroker.server.audit.AuditLog() {
        @Override
        public java.util.concurrent.CompletableFuture<Void> append(
            dev.credbroker.core.audit.AuditEvent event) {
          return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {}
      };

  private VendingStack stack;
  private dev.credbroker.server.audit.AuditLog auditLog;
  private java.nio.file.Path auditDir;
  private GetSecretValueRequest secretRequest;
  private BrokerServer server;
  private EventLoops network;
  private ManagedChannel channel;
  private CredentialBrokerGrpc.CredentialBrokerBlockingStub broker;
  private CallOptions emptyOptions;
  private GetAwsCredentialsRequest request;

  @Setup
  public void setUp() throws Exception {
    stack = VendingStack.start();
    network = EventLoops.start(); // the broker's own network threads, as Main runs them
    auditLog = DISCARD;
    if (!"none".equals(audit)) {
      java.nio.file.Path base = java.nio.file.Path.of("bench/target").toAbsolutePath();
      java.nio.file.Files.createDirectories(base);
      auditDir = java.nio.file.Files.createTempDirectory(base, "audit-");
      auditLog = dev.credbroker.server.audit.AuditWriter.open(new AuditConfig(AuditConfig.Sink.FILE,
          Optional.of(auditDir.resolve("audit.jsonl")), true, AuditConfig.Durability.valueOf(audit),
          AuditConfig.DEFAULT_MAX_FILE_BYTES, Optional.empty(), AuditConfig.Informational.RECORD,
          1.0, List.of()), Clock.systemUTC(), network);
    }
    BrokerState state = new BrokerState(stack.authenticator(), stack.policy());
    BindableService empty = () -> ServerServiceDefinition.builder("credbroker.bench.Empty")
        .addMethod(EMPTY, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(new byte[0]);
          out.onCompleted();
        })).build();
    server = BrokerServer.builder(new ServerConfig(new ListenAddress("127.0.0.1", 0), Optional.empty(),
            ServerLimits.DEFAULTS, Duration.ofSeconds(5), false, Duration.ZERO))
        .eventLoops(network)
        .addService(new CredentialBrokerService(() -> state, stack.vendor(), stack.secrets(),
            "us-east-1", Clock.systemUTC(), new AuditRecorder(auditLog, List.of(), Clock.systemUTC())))
        .addService(empty).build().start();
    Metadata bearer = new Metadata();
    bearer.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + stack.token());
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.address().getPort(),
        InsecureChannelCredentials.create()).intercept(MetadataUtils.newAttachHeadersInterceptor(bearer)).build();
    broker = CredentialBrokerGrpc.newBlockingStub(channel);
    emptyOptions = CallOptions.DEFAULT;
    request = GetAwsCredentialsRequest.newBuilder().setRole(VendingStack.ROLE).build();
    secretRequest = GetSecretValueRequest.newBuilder().setSecret(VendingStack.SECRET).build();
    if (broker.getAwsCredentials(request).getAccessKeyId().isEmpty()
        || broker.getSecretValue(secretRequest).getSecretString().isEmpty()) {
      throw new IllegalStateException("no credentials in setup");
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdown();
    auditLog.close();
    network.close();
    stack.close();
    if (auditDir != null) {
      try (var files = java.nio.file.Files.walk(auditDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    if (stack.sts().calls("AssumeRole") != 1) {
      throw new IllegalStateException("expected one STS call for one (role, caller), got "
          + stack.sts().calls("AssumeRole"));
    }
    if (stack.secretsManager().calls("GetSecretValue") != 1) {
      throw new IllegalStateException("expected one Secrets Manager call within the TTL, got "
          + stack.secretsManager().calls("GetSecretValue"));
    }
  }

  @Benchmark
  public byte[] emptyRpc() {
    return ClientCalls.blockingUnaryCall(channel, EMPTY, emptyOptions, new byte[0]);
  }

  @Benchmark
  public WhoAmIResponse whoAmI() {
    return broker.whoAmI(WhoAmIRequest.getDefaultInstance());
  }

  @Benchmark
  public AwsCredentials cachedGetAwsCredentials() {
    return broker.getAwsCredentials(request);
  }

  @Benchmark
  public SecretValue cachedGetSecretValue() {
    return broker.getSecretValue(secretRequest);
  }
}
