package dev.credbroker.bench.client;

import com.google.protobuf.Timestamp;
import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.provider.BrokerCredentialsProvider;
import dev.credbroker.client.token.TokenSource;
import dev.credbroker.core.config.ListenAddress;
import dev.credbroker.core.config.ServerConfig;
import dev.credbroker.core.config.ServerLimits;
import dev.credbroker.proto.v1.AwsCredentials;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.server.grpc.BrokerServer;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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
 * BrokerCredentialsProvider.resolveCredentials() on the hot path: valid credentials held, 8
 * threads calling, as the AWS SDK does once per request. No broker call happens in the measured
 * loop (the credentials are an hour from their refresh point); the broker only serves the first.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(8)
public class ResolveCredentialsBenchmark {
  private BrokerServer server;
  private BrokerClient client;
  private BrokerCredentialsProvider provider;

  @Setup
  public void start() throws Exception {
    server = BrokerServer.builder(new ServerConfig(new ListenAddress("127.0.0.1", 0), Optional.empty(),
            ServerLimits.DEFAULTS, Duration.ofSeconds(1), false, Duration.ZERO))
        .addService(new CredentialBrokerGrpc.CredentialBrokerImplBase() {
          @Override
          public void getAwsCredentials(GetAwsCredentialsRequest request, StreamObserver<AwsCredentials> out) {
            out.onNext(AwsCredentials.newBuilder().setAccessKeyId("ASIABENCHMARK0000001")
                .setSecretAccessKey("benchmark-secret").setSessionToken("benchmark-session-token")
                .setExpiration(Timestamp.newBuilder().setSeconds(Instant.now().plusSeconds(7200).getEpochSecond()))
                .setAssumedRoleArn("arn:aws:sts::123456789012:assumed-role/bench/bench")
                .setRole(request.getRole()).build());
            out.onCompleted();
          }
        }).build().start();
    client = BrokerClient.builder().target("127.0.0.1:" + server.address().getPort()).plaintext()
        .tokenSource(TokenSource.of("bench.token.value")).build();
    provider = BrokerCredentialsProvider.builder().client(client).role("bench").build();
    provider.resolveCredentials();
  }

  @TearDown
  public void stop() {
    provider.close();
    client.close();
    server.shutdownNow();
    server.shutdown();
  }

  @Benchmark
  public software.amazon.awssdk.auth.credentials.AwsCredentials resolveCredentials() {
    return provider.resolveCredentials();
  }
}
