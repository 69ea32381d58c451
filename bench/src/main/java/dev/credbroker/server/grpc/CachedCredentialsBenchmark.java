package dev.credbroker.server.grpc;

import dev.credbroker.proto.v1.AwsCredentials;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.proto.v1.SecretValue;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.proto.v1.WhoAmIResponse;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.aws.SdkSecretsGateway;
import dev.credbroker.server.aws.SdkStsGateway;
import dev.credbroker.server.cache.CredentialCache;
import dev.credbroker.server.cache.CredentialVendor;
import dev.credbroker.server.cache.SecretCache;
import dev.credbroker.server.cache.SecretVendor;
import dev.credbroker.server.config.AwsConfig;
import dev.credbroker.server.config.BrokerConfig;
import dev.credbroker.server.config.ConfigLoader;
import dev.credbroker.server.config.ListenAddress;
import dev.credbroker.server.config.ServerConfig;
import dev.credbroker.server.config.ServerLimits;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.policy.PolicyEngine;
import dev.credbroker.server.testing.FakeSecretsManager;
import dev.credbroker.server.testing.FakeSts;
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
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cached GetAwsCredentials and cached GetSecretValue against an empty unary RPC on the same
 * server (same transport, executor and interceptors: call info and bearer check), plus WhoAmI
 * (authentication only), all
 * in one run so the ratios hold on a noisy machine. Plaintext on loopback; client and server share
 * the machine's cores. Throughput and the latency distribution (p50/p99/p99.9) per call.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar CachedCredentials}
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Threads(8)
@Fork(1)
public class CachedCredentialsBenchmark {
  private static final MethodDescriptor<byte[], byte[]> EMPTY = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("credbroker.bench.Empty/Call")
      .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();

  /** This benchmark measures the path without audit; the load-generator suite measures both. */
  private static final dev.credbroker.server.audit.AuditLog DISCARD =
      new dev.credbroker.server.audit.AuditLog() {
        @Override
        public java.util.concurrent.CompletableFuture<Void> append(
            dev.credbroker.server.audit.AuditEvent event) {
          return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {}
      };

  private final ExecutorService io = Executors.newCachedThreadPool();
  private DevIssuer idp;
  private FakeSts sts;
  private SdkStsGateway gateway;
  private FakeSecretsManager sm;
  private SdkSecretsGateway secretsGateway;
  private GetSecretValueRequest secretRequest;
  private BrokerServer server;
  private ManagedChannel channel;
  private CredentialBrokerGrpc.CredentialBrokerBlockingStub broker;
  private CallOptions emptyOptions;
  private GetAwsCredentialsRequest request;

  @Setup
  public void setUp() throws Exception {
    Clock clock = Clock.systemUTC();
    idp = DevIssuer.start(clock);
    sts = FakeSts.start(clock);
    sm = FakeSecretsManager.start(clock);
    sm.putString("payments/db", "bench-password");
    BrokerConfig config = ConfigLoader.parse("""
        server: {listen: 127.0.0.1:0}
        roles:
          deployer: {arn: "arn:aws:iam::123456789012:role/deployer", session_tags: {team: "$.groups[0]"}}
        secrets:
          payments-db: {id: payments/db}
        rules:
          - {id: devs, when: {claims: {groups: {contains: developers}}}, roles: [deployer], secrets: [payments-db]}
        """, "bench", Path.of(".")).withIssuer(idp.issuerConfig());
    BrokerState state = new BrokerState(Authenticator.create(config.issuers(), clock, io),
        new PolicyEngine(config));
    gateway = SdkStsGateway.create(new AwsConfig(Optional.of("us-east-1"), Optional.of(sts.endpoint()),
        Duration.ofSeconds(20)), software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID,
                FakeSts.BROKER_SECRET)), clock);
    CredentialVendor vendor = new CredentialVendor(new CredentialCache(gateway, io, clock,
        Duration.ofMinutes(5), Duration.ofMinutes(10), 10_000), Duration.ofHours(1));
    secretsGateway = SdkSecretsGateway.create(new AwsConfig(Optional.of("us-east-1"), Optional.empty(),
        Duration.ofSeconds(20)).withSecretsManagerEndpoint(sm.endpoint()),
        software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID,
                FakeSts.BROKER_SECRET)));
    SecretVendor secrets = new SecretVendor(new SecretCache(secretsGateway, null, io, clock, 10_000), clock);
    BindableService empty = () -> ServerServiceDefinition.builder("credbroker.bench.Empty")
        .addMethod(EMPTY, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(new byte[0]);
          out.onCompleted();
        })).build();
    server = BrokerServer.builder(new ServerConfig(new ListenAddress("127.0.0.1", 0), Optional.empty(),
            ServerLimits.DEFAULTS, Duration.ofSeconds(5), false, Duration.ZERO))
        .addService(new CredentialBrokerService(() -> state, vendor, secrets, "us-east-1", clock,
            new AuditRecorder(DISCARD, List.of(), clock)))
        .addService(empty).build().start();
    String token = idp.mint("bench-user", Map.of("groups", List.of("developers")), Duration.ofHours(2));
    Metadata bearer = new Metadata();
    bearer.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.address().getPort(),
        InsecureChannelCredentials.create()).intercept(MetadataUtils.newAttachHeadersInterceptor(bearer)).build();
    broker = CredentialBrokerGrpc.newBlockingStub(channel);
    emptyOptions = CallOptions.DEFAULT;
    request = GetAwsCredentialsRequest.newBuilder().setRole("deployer").build();
    secretRequest = GetSecretValueRequest.newBuilder().setSecret("payments-db").build();
    if (broker.getAwsCredentials(request).getAccessKeyId().isEmpty()
        || broker.getSecretValue(secretRequest).getSecretString().isEmpty()) {
      throw new IllegalStateException("no credentials in setup");
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdown();
    gateway.close();
    sts.close();
    secretsGateway.close();
    sm.close();
    idp.close();
    io.shutdownNow();
    if (sts.calls("AssumeRole") != 1) {
      throw new IllegalStateException("expected one STS call for one (role, caller), got "
          + sts.calls("AssumeRole"));
    }
    if (sm.calls("GetSecretValue") != 1) {
      throw new IllegalStateException("expected one Secrets Manager call within the TTL, got "
          + sm.calls("GetSecretValue"));
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

  /** Raw bytes both ways: the cheapest possible payload for the baseline. */
  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
