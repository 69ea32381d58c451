package dev.credbroker.bench;

import dev.credbroker.bench.load.BearerCredentials;
import dev.credbroker.bench.load.CallSource;
import dev.credbroker.bench.load.LoadGenerator;
import dev.credbroker.bench.load.LoadResult;
import dev.credbroker.bench.load.LoadSettings;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.proto.v1.WhoAmIRequest;
import dev.credbroker.server.testing.FakeSts;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The suite's scenarios against one running broker, each a closed-loop load run over TLS with the
 * caller's bearer token on every call (the baseline too, so all scenarios carry the same headers).
 */
final class Scenarios implements AutoCloseable {
  /** Streams per connection stay well under the broker's default limit of 256. */
  private static final int STREAMS_PER_CHANNEL = 128;

  private final BrokerProcess broker;
  private final SuiteOptions options;
  private final ChannelCredentials tls;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private static final GetSecretValueRequest SECRET_REQUEST =
      GetSecretValueRequest.newBuilder().setSecret(Fixture.SECRET).build();

  private final CallOptions caller;

  Scenarios(BrokerProcess broker, SuiteOptions options, Path caCert, String callerToken)
      throws IOException {
    this.broker = broker;
    this.options = options;
    this.tls = TlsChannelCredentials.newBuilder().trustManager(caCert.toFile()).build();
    this.caller = withToken(callerToken);
    for (int i = 0; i < options.load().channels(); i++) {
      channels.add(channel());
    }
  }

  /** (a) Health/Check: the same transport, TLS, executor and call-info interceptor, no work. */
  ScenarioResult emptyRpc(LoadSettings settings) throws InterruptedException {
    return emptyRpc("a", "empty RPC (Health/Check)", settings);
  }

  /** (a) under another id and title (against another broker). */
  ScenarioResult emptyRpc(String id, String title, LoadSettings settings)
      throws InterruptedException {
    return measure(id, title, settings, channels, emptySource());
  }

  /** (b) WhoAmI: authentication from the validated-token cache, claims echoed back. */
  ScenarioResult whoAmI(LoadSettings settings) throws InterruptedException {
    return measure("b", "WhoAmI (authentication only)", settings, channels, whoAmISource());
  }

  /** (c) and (f): GetAwsCredentials for one (role, caller) whose credentials are cached. */
  ScenarioResult cachedCredentials(String id, String title, LoadSettings settings)
      throws InterruptedException {
    GetAwsCredentialsRequest request = role(Fixture.CACHED_ROLE);
    CredentialBrokerGrpc.newBlockingStub(channels.get(0)).withCallCredentials(caller.getCredentials())
        .getAwsCredentials(request); // fills the cache before measuring
    return measure(id, title, settings, channels, credentialsSource(request));
  }

  /** Why (d) cannot run against this broker, if it cannot: its first GetSecretValue fails. */
  Optional<String> secretsUnavailable() {
    try {
      CredentialBrokerGrpc.newBlockingStub(channels.get(0)).withCallCredentials(caller.getCredentials())
          .withDeadlineAfter(10, TimeUnit.SECONDS).getSecretValue(SECRET_REQUEST);
      return Optional.empty();
    } catch (StatusRuntimeException e) {
      return Optional.of(e.getStatus().getCode() == Status.Code.UNIMPLEMENTED
          ? "the broker does not implement GetSecretValue yet (issue 6)"
          : "the first call failed: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
    }
  }

  /** (d) GetSecretValue for a secret whose value is cached (after {@link #secretsUnavailable}). */
  ScenarioResult cachedSecret(LoadSettings settings) throws InterruptedException {
    return measure("d", "cached GetSecretValue", settings, channels, CallSource.unary(
        CredentialBrokerGrpc.getGetSecretValueMethod(), slot -> SECRET_REQUEST, slot -> caller));
  }

  /**
   * Runs (a), (b) and (c) mixed, unmeasured, so the JIT has compiled the shared path (TLS, HTTP/2,
   * interceptors) before the first measured scenario, which would otherwise pay for it alone.
   */
  void warmUp(Duration time) throws InterruptedException {
    CallSource[] mix = {emptySource(), whoAmISource(), credentialsSource(role(Fixture.CACHED_ROLE))};
    LoadGenerator.run(new LoadSettings(options.load().concurrency(), channels.size(), time,
        Duration.ofMillis(1)), channels, (channel, slot, done) -> mix[slot % mix.length].start(
            channel, slot, done));
  }

  private CallSource emptySource() {
    return CallSource.unary(HealthGrpc.getCheckMethod(), slot -> HealthCheckRequest.getDefaultInstance(),
        slot -> caller);
  }

  private CallSource whoAmISource() {
    return CallSource.unary(CredentialBrokerGrpc.getWhoAmIMethod(),
        slot -> WhoAmIRequest.getDefaultInstance(), slot -> caller);
  }

  private CallSource credentialsSource(GetAwsCredentialsRequest request) {
    return CallSource.unary(CredentialBrokerGrpc.getGetAwsCredentialsMethod(), slot -> request,
        slot -> caller);
  }

  /**
   * (e) Uncached GetAwsCredentials: {@code herdCallers} concurrent callers share {@code herdPairs}
   * (role, caller) pairs; every {@code herdRotation} they all move to the next role, whose cache is
   * cold, so each period starts with a herd of misses that single flight must collapse to one STS
   * call per pair. {@code tokens} are already authenticated, so only the credential path is cold.
   */
  ScenarioResult herd(List<String> tokens, List<String> roles, FakeSts sts)
      throws InterruptedException {
    int pairs = options.herdPairs();
    List<CallOptions> callers = tokens.stream().limit(pairs).map(Scenarios::withToken).toList();
    List<GetAwsCredentialsRequest> requests = roles.stream().map(Scenarios::role).toList();
    int channelCount = Math.max(options.load().channels(),
        (options.herdCallers() + STREAMS_PER_CHANNEL - 1) / STREAMS_PER_CHANNEL);
    List<ManagedChannel> herdChannels = new ArrayList<>();
    for (int i = 0; i < channelCount; i++) {
      herdChannels.add(channel());
    }
    AtomicInteger generations = new AtomicInteger();
    long start = System.nanoTime();
    long period = options.herdRotation().toNanos();
    int before = sts.calls("AssumeRole");
    try {
      ScenarioResult r = measure("e", "uncached GetAwsCredentials, " + options.stsLatency().toMillis()
              + " ms STS latency", options.load().withConcurrency(options.herdCallers())
              .withChannels(channelCount), herdChannels,
          CallSource.unary(CredentialBrokerGrpc.getGetAwsCredentialsMethod(), slot -> {
            int generation = (int) Math.min((System.nanoTime() - start) / period, requests.size() - 1);
            generations.accumulateAndGet(generation + 1, Math::max);
            return requests.get(generation);
          }, slot -> callers.get(slot % pairs)));
      int calls = sts.calls("AssumeRole") - before;
      int allowed = pairs * generations.get();
      return r.withNote(calls + " STS calls for " + generations.get() + " cold periods of " + pairs
          + " pairs (at most " + allowed + " allowed)");
    } finally {
      herdChannels.forEach(ManagedChannel::shutdownNow);
    }
  }

  private ScenarioResult measure(String id, String title, LoadSettings settings,
      List<ManagedChannel> on, CallSource source) throws InterruptedException {
    Duration[] cpu = new Duration[2];
    LoadResult r = LoadGenerator.run(settings, on, source, new LoadGenerator.Window() {
      @Override
      public void opened() {
        cpu[0] = cpuTime();
      }

      @Override
      public void closed() {
        cpu[1] = cpuTime();
      }
    });
    return ScenarioResult.measured(id, title, settings.concurrency(), r, cpu[1].minus(cpu[0]));
  }

  private Duration cpuTime() {
    try {
      return broker.cpuTime();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the broker's CPU time: " + e.getMessage(), e);
    }
  }

  ManagedChannel channel() {
    return Grpc.newChannelBuilderForAddress("127.0.0.1", broker.port(),
        tls).directExecutor().build();
  }

  static CallOptions withToken(String token) {
    return CallOptions.DEFAULT.withCallCredentials(BearerCredentials.of(token));
  }

  static GetAwsCredentialsRequest role(String alias) {
    return GetAwsCredentialsRequest.newBuilder().setRole(alias).build();
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
