package dev.credbroker.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
  private final AtomicInteger served = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    if (server != null) {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void run_keepsConcurrencyInFlight_recordsEveryMeasuredCall_andEndsDrained() throws Exception {
    start(Status.OK);

    LoadResult r = LoadGenerator.run(new LoadSettings(8, 1, Duration.ofMillis(100),
        Duration.ofMillis(300)), List.of(channel), health(4));

    assertTrue(r.calls() > 0);
    assertEquals(r.calls(), r.latencyNanos().getTotalCount());
    assertTrue(r.calls() <= served.get(), "counted calls the server never served");
    assertEquals(0, r.errorCount());
    assertTrue(maxInFlight.get() <= 8, "more than the concurrency in flight: " + maxInFlight);
    assertEquals(0, inFlight.get(), "calls still in flight after run returned");
    assertEquals(Set.of("Bearer token-0", "Bearer token-1", "Bearer token-2", "Bearer token-3"), tokens);
    assertTrue(r.throughput() > 0 && r.micros(99) >= r.micros(50));
  }

  @Test
  void run_failingCalls_areCountedByStatusAndNotAsLatency() throws Exception {
    start(Status.PERMISSION_DENIED);

    LoadResult r = LoadGenerator.run(new LoadSettings(2, 1, Duration.ZERO, Duration.ofMillis(100)),
        List.of(channel), health(1));

    assertEquals(0, r.calls());
    assertTrue(r.errors().get(Status.Code.PERMISSION_DENIED) > 0, r.errors().toString());
    assertEquals(r.errorCount(), r.errors().get(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void results_add_callsFailuresTimeAndLatencies() throws Exception {
    start(Status.OK);
    LoadSettings settings = new LoadSettings(2, 1, Duration.ZERO, Duration.ofMillis(50));
    LoadResult one = LoadGenerator.run(settings, List.of(channel), health(1));
    LoadResult two = LoadGenerator.run(settings, List.of(channel), health(1));

    LoadResult both = one.plus(two);

    assertEquals(one.calls() + two.calls(), both.calls());
    assertEquals(one.calls() + two.calls(), both.latencyNanos().getTotalCount());
    assertEquals(one.measured().plus(two.measured()), both.measured());
  }

  @Test
  void settings_outOfRange_areRefusedWithTheValue() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new LoadSettings(0, 1, Duration.ZERO, Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LoadSettings(1, 1, Duration.ZERO, Duration.ZERO));
  }

  private CallSource health(int callers) {
    return CallSource.unary(HealthGrpc.getCheckMethod(), slot -> HealthCheckRequest.getDefaultInstance(),
        slot -> io.grpc.CallOptions.DEFAULT.withCallCredentials(BearerCredentials.of("token-" + (slot % callers))));
  }

  /** A health service that answers with {@code status}, counting calls and recording bearer headers. */
  private void start(Status status) throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    Metadata.Key<String> auth = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    ServerInterceptor observe = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        tokens.add(headers.get(auth));
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        ServerCall<Q, R> counted = new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status s, Metadata trailers) {
            served.incrementAndGet();
            inFlight.decrementAndGet();
            super.close(status.isOk() ? s : status, trailers);
          }
        };
        return next.startCall(counted, headers);
      }
    };
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ServerInterceptors.intercept(health.getHealthService(), observe)).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }
}
