package dev.credbroker.server.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.server.aws.AssumeRoleCall;
import dev.credbroker.server.aws.AwsCallException;
import dev.credbroker.server.aws.SdkStsGateway;
import dev.credbroker.server.testing.FakeSts;
import dev.credbroker.server.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The credential cache against the STS fake over HTTP. The fake and the cache share a hand-moved
 * clock; the cache runs STS calls inline (direct executor) except where concurrency is the point.
 */
class CredentialCacheTest {
  private static final String ROLE = "arn:aws:iam::123456789012:role/deployer";
  private static final Duration MIN_REMAINING = Duration.ofMinutes(5);
  private static final Duration REFRESH_BEFORE = Duration.ofMinutes(10);

  /** On a whole second: STS expirations are whole seconds. */
  private final MutableClock clock = new MutableClock(
      java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  private FakeSts sts;
  private SdkStsGateway gateway;
  private CredentialCache cache;

  @BeforeEach
  void start() throws Exception {
    sts = FakeSts.start(clock);
    gateway = SdkStsGateway.create(
        new AwsConfig(Optional.of("us-east-1"), Optional.of(sts.endpoint()), Duration.ofSeconds(30)),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID,
            FakeSts.BROKER_SECRET)), clock);
    cache = new CredentialCache(gateway, Runnable::run, clock, MIN_REMAINING, REFRESH_BEFORE, 1000);
  }

  @AfterEach
  void stop() {
    gateway.close();
    sts.close();
  }

  @Test
  void secondIdenticalRequest_isAHitWithoutAnStsCall() throws Exception {
    var first = get(call("alice", Duration.ofHours(1)));
    var second = get(call("alice", Duration.ofHours(1)));

    assertFalse(first.cacheHit());
    assertTrue(second.cacheHit());
    assertEquals(first.credentials().accessKeyId(), second.credentials().accessKeyId());
    assertEquals(1, sts.calls("AssumeRole"));
  }

  @Test
  void differentCallersOrGrants_neverShareACredential() throws Exception {
    String alice = get(call("alice", Duration.ofHours(1))).credentials().accessKeyId();
    String bob = get(call("bob", Duration.ofHours(1))).credentials().accessKeyId();
    String aliceTagged = get(AssumeRoleCall.assumeRole(ROLE, "alice", Duration.ofHours(1), Map.of("team", "x"),
        List.of(), Optional.empty(), Optional.empty(), List.of(), Optional.empty())).credentials().accessKeyId();

    assertEquals(3, Set.of(alice, bob, aliceTagged).size());
    assertEquals(3, sts.calls("AssumeRole"));
  }

  @Test
  void nearingExpiry_refreshesInBackgroundWhileServingTheCurrentOne() throws Exception {
    var first = get(call("alice", Duration.ofHours(1)));
    clock.advance(Duration.ofMinutes(49)); // 11m left: above refresh_before
    assertEquals(first.credentials().accessKeyId(), get(call("alice", Duration.ofHours(1))).credentials().accessKeyId());
    assertEquals(1, sts.calls("AssumeRole"));

    clock.advance(Duration.ofMinutes(2)); // 9m left: below refresh_before, above min_remaining
    var during = get(call("alice", Duration.ofHours(1)));
    assertTrue(during.cacheHit());
    assertEquals(2, sts.calls("AssumeRole"), "one background refresh");
    var after = get(call("alice", Duration.ofHours(1)));
    assertNotEquals(first.credentials().accessKeyId(), after.credentials().accessKeyId());
    assertTrue(after.cacheHit());
    clock.advance(Duration.ofMinutes(5)); // past the first credential's margin: the refreshed one serves
    var later = get(call("alice", Duration.ofHours(1)));
    assertEquals(after.credentials().accessKeyId(), later.credentials().accessKeyId());
    assertTrue(later.cacheHit());
    assertEquals(2, sts.calls("AssumeRole"), "the refresh replaced the entry with its own lifetime");
  }

  @Test
  void minRemainingBoundary_servedAtExactlyTheMarginNeverBelow() throws Exception {
    cache = new CredentialCache(gateway, Runnable::run, clock, MIN_REMAINING, MIN_REMAINING, 1000);
    var first = get(call("alice", Duration.ofHours(1)));
    clock.advance(Duration.ofMinutes(55)); // exactly 5m left
    assertEquals(first.credentials().accessKeyId(), get(call("alice", Duration.ofHours(1))).credentials().accessKeyId());

    clock.advance(Duration.ofSeconds(1)); // 4m59s left: never handed out
    var next = get(call("alice", Duration.ofHours(1)));
    assertNotEquals(first.credentials().accessKeyId(), next.credentials().accessKeyId());
    assertFalse(next.cacheHit());
  }

  @Test
  void shortCredentials_marginNeverExceedsHalfTheLifetime() throws Exception {
    cache = new CredentialCache(gateway, Runnable::run, clock, Duration.ofMinutes(10), Duration.ofMinutes(10), 1000);
    var first = get(call("alice", Duration.ofMinutes(15))); // margin 7.5m, not 10m
    clock.advance(Duration.ofMinutes(7));
    assertEquals(first.credentials().accessKeyId(), get(call("alice", Duration.ofMinutes(15))).credentials().accessKeyId());
  }

  @Test
  void concurrentIdenticalRequests_causeExactlyOneStsCall() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      cache = new CredentialCache(gateway, pool, clock, MIN_REMAINING, REFRESH_BEFORE, 1000);
      sts.latency(Duration.ofMillis(300)); // the STS call is in flight while all requests arrive
      List<CompletableFuture<CredentialCache.Lookup>> all = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        all.add(cache.get(call("alice", Duration.ofHours(1))));
      }
      Set<String> keys = new HashSet<>();
      for (var f : all) {
        keys.add(f.get(30, TimeUnit.SECONDS).credentials().accessKeyId());
      }
      assertEquals(1, keys.size());
      assertEquals(1, sts.calls("AssumeRole"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void stsOutage_servesWhatIsStillValidThenFailsUnavailable() throws Exception {
    var first = get(call("alice", Duration.ofHours(1)));
    sts.close();
    clock.advance(Duration.ofMinutes(52)); // 8m left: refresh fails in the background
    assertEquals(first.credentials().accessKeyId(), get(call("alice", Duration.ofHours(1))).credentials().accessKeyId());

    clock.advance(Duration.ofMinutes(4)); // 4m left: below min_remaining, nothing servable
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> cache.get(call("alice", Duration.ofHours(1))).get(30, TimeUnit.SECONDS));
    assertEquals(AwsCallException.Kind.UNAVAILABLE, ((AwsCallException) e.getCause()).kind());
  }

  private CredentialCache.Lookup get(AssumeRoleCall call) throws Exception {
    return cache.get(call).get(30, TimeUnit.SECONDS);
  }

  private static AssumeRoleCall call(String session, Duration duration) {
    return AssumeRoleCall.assumeRole(ROLE, session, duration, Map.of(), List.of(), Optional.empty(),
        Optional.empty(), List.of(), Optional.empty());
  }
}
