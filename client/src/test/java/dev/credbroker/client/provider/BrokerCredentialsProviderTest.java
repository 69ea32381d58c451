package dev.credbroker.client.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.BrokerException;
import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.client.testing.ManualExecutor;
import dev.credbroker.client.token.TokenSource;
import dev.credbroker.client.token.TokenUnavailableException;
import dev.credbroker.server.testing.LogCapture;
import dev.credbroker.server.testing.MutableClock;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * The refresh model against a broker that answers what each test chooses, with a hand-moved clock
 * and refreshes run when the test says (a queueing executor), so every window boundary is exact.
 */
class BrokerCredentialsProviderTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final ManualExecutor refreshes = new ManualExecutor();
  private FakeBroker broker;
  private BrokerClient client;
  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    broker = FakeBroker.start(clock);
    client = BrokerClient.builder().target(broker.target()).plaintext().maxAttempts(1)
        .tokenSource(TokenSource.of("header.payload.signature")).build();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeLater) {
      c.close();
    }
    client.close();
    broker.close();
  }

  private BrokerCredentialsProvider provider(double jitter) {
    BrokerCredentialsProvider p = BrokerCredentialsProvider.builder().client(client).role("deployer")
        .clock(clock).executor(refreshes).random(() -> jitter).build();
    closeLater.add(p);
    return p;
  }

  /** The first call has nothing to serve, so it waits for the broker; the refresh is queued. */
  private AwsSessionCredentials first(BrokerCredentialsProvider p) throws Exception {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<AwsCredentials> f = caller.submit(p::resolveCredentials);
      while (refreshes.pending() == 0 && !f.isDone()) {
        Thread.onSpinWait();
      }
      refreshes.runAll();
      return (AwsSessionCredentials) f.get();
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void firstCall_returnsSessionCredentialsWithExpiryAndAccount() throws Exception {
    AwsSessionCredentials c = first(provider(0));

    assertEquals("ASIAFAKE000000000001", c.accessKeyId());
    assertTrue(c.sessionToken().startsWith("fake-session-token-1-"));
    assertEquals(clock.instant().plus(Duration.ofHours(1)), c.expirationTime().orElseThrow());
    assertEquals("123456789012", c.accountId().orElseThrow());
    assertEquals("BrokerCredentialsProvider", c.providerName().orElseThrow());
    assertEquals(List.of("Bearer header.payload.signature"), broker.authorizations());
  }

  @Test
  void beforePrefetch_noBrokerCall_andTheSameObject() throws Exception {
    BrokerCredentialsProvider p = provider(0);
    AwsSessionCredentials c = first(p);
    clock.advance(Duration.ofMinutes(55).minusMillis(1));

    for (int i = 0; i < 1000; i++) {
      assertSame(c, p.resolveCredentials());
    }
    assertEquals(0, refreshes.pending());
    assertEquals(1, broker.credentialCalls());
  }

  @Test
  void prefetchWindow_callersGetTheCurrentValueAndOneRefreshIsStarted() throws Exception {
    BrokerCredentialsProvider p = provider(0);
    AwsSessionCredentials c = first(p);
    clock.advance(Duration.ofMinutes(55));

    for (int i = 0; i < 100; i++) {
      assertSame(c, p.resolveCredentials(), "served without waiting");
    }
    assertEquals(1, refreshes.pending(), "one refresh for a hundred callers");
    refreshes.runAll();

    AwsCredentials next = p.resolveCredentials();
    assertEquals("ASIAFAKE000000000002", next.accessKeyId());
    assertEquals(2, broker.credentialCalls());
  }

  @Test
  void jitter_movesThePrefetchPointByUpToHalfTheWindowToStale() throws Exception {
    BrokerCredentialsProvider p = provider(0.5); // half of half of (5m - 1m) = 1 minute later
    first(p);
    clock.advance(Duration.ofMinutes(56).minusMillis(1));
    p.resolveCredentials();
    assertEquals(0, refreshes.pending());

    clock.advance(Duration.ofMillis(1));
    p.resolveCredentials();
    assertEquals(1, refreshes.pending());
  }

  @Test
  void callersNeverWaitWhileARefreshIsInFlight() throws Exception {
    BrokerCredentialsProvider p = BrokerCredentialsProvider.builder().client(client).role("deployer")
        .clock(clock).build(); // the provider's own refresh thread
    closeLater.add(p);
    AwsCredentials c = p.resolveCredentials();
    clock.advance(Duration.ofMinutes(58));
    broker.hold(); // the refresh reaches the broker and hangs there until released

    assertSame(c, p.resolveCredentials());
    broker.awaitArrival();
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Future<AwsCredentials>> calls = new ArrayList<>();
      for (int i = 0; i < 800; i++) {
        calls.add(callers.submit(p::resolveCredentials));
      }
      for (Future<AwsCredentials> f : calls) {
        assertSame(c, f.get(), "every caller got the current credentials while the broker hung");
      }
    } finally {
      callers.shutdownNow();
    }
    assertEquals(2, broker.credentialCalls(), "one refresh in flight, not one per caller");
    broker.release();
  }

  @Test
  void brokerDown_servesTheValidCredentialsAndRetriesWithBackoff() throws Exception {
    BrokerCredentialsProvider p = provider(0);
    AwsCredentials c = first(p);
    clock.advance(Duration.ofMinutes(55));
    broker.failNext(Status.UNAVAILABLE, Status.UNAVAILABLE, Status.UNAVAILABLE);

    assertSame(c, p.resolveCredentials());
    refreshes.runAll(); // attempt 1 fails: retry after 0.5-1s (jitter 0 -> 0.5s)
    clock.advance(Duration.ofMillis(499));
    assertSame(c, p.resolveCredentials());
    assertEquals(0, refreshes.pending(), "still backing off");

    clock.advance(Duration.ofMillis(1));
    assertSame(c, p.resolveCredentials());
    refreshes.runAll(); // attempt 2 fails: retry after 1-2s
    clock.advance(Duration.ofMillis(999));
    p.resolveCredentials();
    assertEquals(0, refreshes.pending());
    clock.advance(Duration.ofMillis(1));
    p.resolveCredentials();
    refreshes.runAll(); // attempt 3 fails
    assertEquals(4, broker.credentialCalls());

    clock.advance(Duration.ofSeconds(2));
    assertSame(c, p.resolveCredentials());
    refreshes.runAll(); // attempt 4 succeeds
    assertNotEquals(c.accessKeyId(), p.resolveCredentials().accessKeyId());
  }

  @Test
  void rateLimited_retriesNoSoonerThanTheBrokersRetryInfo() throws Exception {
    BrokerCredentialsProvider p = provider(0);
    AwsCredentials c = first(p);
    clock.advance(Duration.ofMinutes(55));
    broker.failNext(io.grpc.protobuf.StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder().setCode(Status.Code.RESOURCE_EXHAUSTED.value())
            .setMessage("rate limit caller_uncached: ...; retry in 20s")
            .addDetails(com.google.protobuf.Any.pack(com.google.rpc.RetryInfo.newBuilder()
                .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(20)).build()))
            .build()));

    assertSame(c, p.resolveCredentials());
    refreshes.runAll(); // refused: backoff alone would retry after 0.5s, the broker said 20s
    clock.advance(Duration.ofMillis(19_999));
    assertSame(c, p.resolveCredentials());
    assertEquals(0, refreshes.pending(), "waits out the broker's retry delay");

    clock.advance(Duration.ofMillis(1));
    p.resolveCredentials();
    refreshes.runAll();
    assertNotEquals(c.accessKeyId(), p.resolveCredentials().accessKeyId());
  }

  @Test
  void staleWindow_shortensTheBackoff() throws Exception {
    BrokerCredentialsProvider p = provider(0.999);
    first(p);
    clock.advance(Duration.ofMinutes(59).plusSeconds(1)); // 59s left: inside the stale minute
    for (int i = 0; i < 20; i++) {
      broker.failNext(Status.UNAVAILABLE);
      p.resolveCredentials();
      refreshes.runAll();
      clock.advance(Duration.ofMillis(11_000)); // the stale cap is 60s/6 + 1s = 11s
      if (!clock.instant().isBefore(Instant.parse("2026-03-01T13:00:00Z"))) {
        break;
      }
    }
    assertTrue(broker.credentialCalls() >= 6, "retried at least every 11s: " + broker.credentialCalls());
  }

  @Test
  void expired_failsWithAClearExceptionNamingRoleAndExpiry() throws Exception {
    BrokerCredentialsProvider p = provider(0);
    AwsSessionCredentials c = first(p);
    broker.failNext(Status.UNAVAILABLE.withDescription("broker is draining"));
    clock.advance(Duration.ofHours(1));

    CredentialsUnavailableException e = assertThrows(CredentialsUnavailableException.class,
        () -> resolveWhileRunningRefreshes(p));
    assertEquals("the credentials for role 'deployer' expired at 2026-03-01T13:00:00Z and the broker"
        + " could not provide new ones: UNAVAILABLE: broker is draining", e.getMessage());
    assertTrue(e.getCause() instanceof BrokerException be && be.isRetryable());
    assertFalse(e.toString().contains(c.secretAccessKey()));
  }

  @Test
  void missingTokenFile_resolveFailsAtOnce_withTheTypedCause(@TempDir Path dir) throws Exception {
    BrokerClient noToken = BrokerClient.builder().target(broker.target()).plaintext().maxAttempts(4)
        .deadline(Duration.ofSeconds(30)).tokenSource(TokenSource.fromFile(dir.resolve("absent"))).build();
    closeLater.add(noToken);
    BrokerCredentialsProvider p = BrokerCredentialsProvider.builder().client(noToken).role("deployer").build();
    closeLater.add(p);

    long start = System.nanoTime();
    CredentialsUnavailableException e = assertThrows(CredentialsUnavailableException.class, p::resolveCredentials);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "no retries, no deadline wait: " + took);
    BrokerException cause = assertInstanceOf(BrokerException.class, e.getCause());
    assertFalse(cause.isRetryable());
    assertInstanceOf(TokenUnavailableException.class, cause.getCause());
    assertEquals(0, broker.credentialCalls());
  }

  @Test
  void noCredentialsYet_failureIsFastUntilTheBackoffPasses() throws Exception {
    BrokerCredentialsProvider p = provider(0);
    broker.failNext(Status.PERMISSION_DENIED.withDescription("not entitled to role 'deployer'"));

    CredentialsUnavailableException e = assertThrows(CredentialsUnavailableException.class,
        () -> resolveWhileRunningRefreshes(p));
    assertEquals("no credentials for role 'deployer' yet and the broker could not provide new ones:"
        + " PERMISSION_DENIED: not entitled to role 'deployer'", e.getMessage());
    assertThrows(CredentialsUnavailableException.class, p::resolveCredentials, "backing off");
    assertEquals(0, refreshes.pending());
    assertEquals(1, broker.credentialCalls());

    clock.advance(Duration.ofSeconds(1));
    assertEquals("ASIAFAKE000000000001", first(p).accessKeyId());
  }

  @Test
  void incompleteOrExpiredAnswers_areNeverServed() throws Exception {
    BrokerCredentialsProvider p = provider(0);
    broker.answerCredentials(r -> broker.mint(r).toBuilder().setSessionToken("").build());
    assertThrows(CredentialsUnavailableException.class, () -> resolveWhileRunningRefreshes(p));

    clock.advance(Duration.ofSeconds(1));
    broker.lifetime(Duration.ZERO);
    broker.answerCredentials(broker::mint);
    CredentialsUnavailableException e = assertThrows(CredentialsUnavailableException.class,
        () -> resolveWhileRunningRefreshes(p));
    assertTrue(e.getMessage().endsWith("incomplete or already expired credentials"), e.getMessage());
  }

  @Test
  void shortLivedCredentials_doNotRefreshOnEveryCall() throws Exception {
    broker.lifetime(Duration.ofMinutes(4)); // shorter than the prefetch time
    BrokerCredentialsProvider p = provider(0);
    first(p);
    clock.advance(Duration.ofSeconds(59)); // a quarter of the life is the earliest refresh
    p.resolveCredentials();
    assertEquals(0, refreshes.pending());
    clock.advance(Duration.ofSeconds(1));
    p.resolveCredentials();
    assertEquals(1, refreshes.pending());
  }

  @Test
  void logs_neverContainSecrets() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      BrokerCredentialsProvider p = provider(0);
      AwsSessionCredentials c = first(p);
      clock.advance(Duration.ofMinutes(55));
      broker.failNext(Status.UNAVAILABLE);
      p.resolveCredentials();
      refreshes.runAll();
      assertTrue(logs.lines().stream().anyMatch(l -> l.contains("still serving the current ones")),
          logs.lines().toString());
      for (String line : logs.lines()) {
        assertFalse(line.contains(c.secretAccessKey()) || line.contains(c.sessionToken())
            || line.contains("header.payload.signature"), line);
      }
      assertFalse(p.toString().contains("signature"));
    }
  }

  @Test
  void close_stopsTheRefreshThreadAndLaterCallsRefreshOnTheCallingThread() throws Exception {
    BrokerCredentialsProvider p = BrokerCredentialsProvider.builder().client(client).role("closing")
        .clock(clock).build();
    AwsCredentials before = p.resolveCredentials();
    Thread refresher = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("credbroker-refresh-closing")).findFirst().orElseThrow();

    p.close();
    refresher.join(); // ends because close() stopped it; a leak would hang here until the test times out

    assertEquals(before.accessKeyId(), p.resolveCredentials().accessKeyId(), "still fresh: held");
    clock.advance(Duration.ofMinutes(58)); // inside the prefetch window
    AwsCredentials after = p.resolveCredentials();
    assertNotEquals(before.accessKeyId(), after.accessKeyId(), "refreshed by this caller");
    assertEquals(2, broker.credentialCalls());
    assertTrue(Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().startsWith("credbroker-refresh-closing")), "no thread started again");
  }

  @Test
  void builder_rejectsContradictions() {
    var b = BrokerCredentialsProvider.builder().client(client).role("r");
    assertEquals("prefetchTime (PT1M) must be longer than staleTime (PT1M)", assertThrows(
        IllegalArgumentException.class, () -> b.prefetchTime(Duration.ofMinutes(1)).build()).getMessage());
    assertThrows(IllegalArgumentException.class, () -> BrokerCredentialsProvider.builder().client(client)
        .role("r").duration(Duration.ofMinutes(10)).build());
    assertThrows(IllegalStateException.class, () -> BrokerCredentialsProvider.builder().role("r").build());
    assertThrows(IllegalArgumentException.class, () -> BrokerCredentialsProvider.builder().role(" "));
  }

  /** Resolves on another thread while running the refreshes it queues, as the refresh thread would. */
  private AwsCredentials resolveWhileRunningRefreshes(BrokerCredentialsProvider p) throws Throwable {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<AwsCredentials> f = caller.submit(p::resolveCredentials);
      while (!f.isDone()) {
        refreshes.runAll();
        Thread.onSpinWait();
      }
      return f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause();
    } finally {
      caller.shutdownNow();
    }
  }
}
