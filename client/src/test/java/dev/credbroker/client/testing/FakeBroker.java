package dev.credbroker.client.testing;

import com.google.protobuf.Timestamp;
import dev.credbroker.proto.v1.AwsCredentials;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.proto.v1.SecretValue;
import dev.credbroker.server.grpc.BrokerServer;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A CredentialBroker that answers what the test chooses: minted credentials with a chosen
 * lifetime, chosen secrets, chosen failure statuses; it can hold calls until released, and
 * records the authorization headers it saw. Runs on the broker's own gRPC server on loopback.
 */
public final class FakeBroker extends CredentialBrokerGrpc.CredentialBrokerImplBase
    implements AutoCloseable, AfterEachCallback {
  public static final String ROLE_ARN_PREFIX = "arn:aws:sts::123456789012:assumed-role/";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Clock clock;
  private final BrokerServer server;
  private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentLinkedQueue<io.grpc.StatusRuntimeException> failures =
      new ConcurrentLinkedQueue<>();
  private final AtomicInteger credentialCalls = new AtomicInteger();
  private final AtomicInteger secretCalls = new AtomicInteger();
  private final AtomicInteger minted = new AtomicInteger();
  private volatile Duration lifetime = Duration.ofHours(1);
  private final List<Runnable> held = new ArrayList<>();
  private boolean holding;
  private volatile CountDownLatch arrived = new CountDownLatch(1);
  private volatile Function<GetSecretValueRequest, SecretValue> secrets =
      r -> { throw Status.NOT_FOUND.withDescription("no such secret").asRuntimeException(); };
  private volatile Function<GetAwsCredentialsRequest, AwsCredentials> credentials = this::mint;

  private FakeBroker(Clock clock, String host, int port) throws Exception {
    this.clock = clock;
    BindableService recorded = () -> ServerInterceptors.intercept(this, new ServerInterceptor() {
      @Override
      public <Q, S> ServerCall.Listener<Q> interceptCall(ServerCall<Q, S> call, Metadata headers,
          ServerCallHandler<Q, S> next) {
        authorizations.add(headers.get(AUTHORIZATION));
        return next.startCall(call, headers);
      }
    });
    this.server = Servers.start(recorded, host, port);
  }

  public static FakeBroker start(Clock clock) throws Exception {
    return new FakeBroker(clock, "127.0.0.1", 0);
  }

  public static FakeBroker start(Clock clock, String host, int port) throws Exception {
    return new FakeBroker(clock, host, port);
  }

  /**
   * For a test's field: {@code @RegisterExtension final FakeBroker broker = FakeBroker.perTest(clock);}
   * starts one for each test and stops it after.
   */
  public static FakeBroker perTest(Clock clock) {
    try {
      return start(clock);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the fake broker", e);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  public String target() {
    return "127.0.0.1:" + port();
  }

  public int port() {
    return server.address().getPort();
  }

  /** Lifetime of minted credentials, counted from the fake's clock. */
  public void lifetime(Duration d) {
    lifetime = d;
  }

  /** The next calls (any RPC) fail with these statuses, in order. */
  public void failNext(Status... statuses) {
    for (Status s : statuses) {
      failures.add(s.asRuntimeException());
    }
  }

  /** The next call fails with {@code failure}, trailers (status details) included. */
  public void failNext(io.grpc.StatusRuntimeException failure) {
    failures.add(failure);
  }

  public void answerCredentials(Function<GetAwsCredentialsRequest, AwsCredentials> answer) {
    credentials = answer;
  }

  public void answerSecrets(Function<GetSecretValueRequest, SecretValue> answer) {
    secrets = answer;
  }

  /**
   * From now on calls get no answer until {@link #release()}; {@link #awaitArrival()} sees the
   * first one. Held calls are parked, never blocked on: the server runs handlers on its transport
   * threads, which in a test JVM the client's channels share.
   */
  public synchronized void hold() {
    arrived = new CountDownLatch(1);
    holding = true;
  }

  public void awaitArrival() throws InterruptedException {
    if (!arrived.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("no call arrived");
    }
  }

  public void release() {
    List<Runnable> answers;
    synchronized (this) {
      holding = false;
      answers = List.copyOf(held);
      held.clear();
    }
    answers.forEach(Runnable::run);
  }

  public int credentialCalls() {
    return credentialCalls.get();
  }

  public int secretCalls() {
    return secretCalls.get();
  }

  public List<String> authorizations() {
    synchronized (authorizations) {
      return List.copyOf(authorizations);
    }
  }

  /** Credentials with unique key ids for the requested role. */
  public AwsCredentials mint(GetAwsCredentialsRequest request) {
    int n = minted.incrementAndGet();
    Instant expiration = clock.instant().plus(lifetime);
    return AwsCredentials.newBuilder()
        .setAccessKeyId(String.format("ASIAFAKE%012d", n))
        .setSecretAccessKey("fake-secret-" + n + "-" + "s".repeat(24))
        .setSessionToken("fake-session-token-" + n + "-" + "t".repeat(64))
        .setExpiration(Timestamp.newBuilder().setSeconds(expiration.getEpochSecond()))
        .setAssumedRoleArn(ROLE_ARN_PREFIX + request.getRole() + "/alice")
        .setRegion("eu-west-1").setRole(request.getRole()).setSessionName("alice").build();
  }

  @Override
  public void getAwsCredentials(GetAwsCredentialsRequest request, StreamObserver<AwsCredentials> out) {
    credentialCalls.incrementAndGet();
    answer(out, () -> credentials.apply(request));
  }

  @Override
  public void getSecretValue(GetSecretValueRequest request, StreamObserver<SecretValue> out) {
    secretCalls.incrementAndGet();
    answer(out, () -> secrets.apply(request));
  }

  private <T> void answer(StreamObserver<T> out, java.util.function.Supplier<T> value) {
    Runnable answer = () -> {
      io.grpc.StatusRuntimeException failure = failures.poll();
      try {
        if (failure != null) {
          out.onError(failure);
          return;
        }
        out.onNext(value.get());
        out.onCompleted();
      } catch (io.grpc.StatusRuntimeException e) {
        out.onError(e);
      } catch (IllegalStateException cancelled) {
        // the caller gave up while the call was held
      }
    };
    synchronized (this) {
      arrived.countDown();
      if (holding) {
        held.add(answer);
        return;
      }
    }
    answer.run();
  }

  @Override
  public void close() {
    release();
    server.shutdownNow();
    server.shutdown();
  }
}
