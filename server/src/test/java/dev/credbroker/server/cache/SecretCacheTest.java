package dev.credbroker.server.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.server.aws.AwsCallException;
import dev.credbroker.server.aws.SdkSecretsGateway;
import dev.credbroker.server.aws.SecretCall;
import dev.credbroker.server.cache.SecretCache.Source;
import dev.credbroker.server.testing.FakeSecretsManager;
import dev.credbroker.server.testing.FakeSts;
import dev.credbroker.server.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * The secret cache against the Secrets Manager fake over HTTP, with a hand-moved clock. Reads run
 * inline (direct executor), so a background re-read has finished when {@code get} returns, except
 * where concurrency is the point.
 */
class SecretCacheTest {
  private static final Duration TTL = Duration.ofHours(1);
  private static final Duration GRACE = Duration.ofMinutes(30);
  private static final SecretCache.Freshness FRESHNESS = new SecretCache.Freshness(TTL, GRACE);
  private static final SecretCache.Key DB = new SecretCache.Key(SecretCall.current("payments/db"),
      Optional.empty());

  private final MutableClock clock = MutableClock.startingNow();
  private FakeSecretsManager sm;
  private SdkSecretsGateway gateway;
  private SecretCache cache;

  @BeforeEach
  void start() throws Exception {
    sm = FakeSecretsManager.start(clock);
    sm.putString("payments/db", "v1");
    gateway = SdkSecretsGateway.create(new AwsConfig(Optional.of("us-east-1"), Optional.empty(),
            Duration.ofSeconds(30)).withSecretsManagerEndpoint(sm.endpoint()),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeSts.BROKER_KEY_ID,
            FakeSts.BROKER_SECRET)));
    cache = cache(Runnable::run);
  }

  @AfterEach
  void stop() {
    gateway.close();
    sm.close();
  }

  @Test
  void secondRequest_isAHitWithoutAnAwsCall() throws Exception {
    assertEquals(Source.MISS, get(DB).source());
    SecretCache.Lookup second = get(DB);

    assertEquals(Source.HIT, second.source());
    assertEquals("v1", value(second));
    assertEquals(1, sm.calls("GetSecretValue"));
  }

  @Test
  void rotation_isServedOnceTheTtlHasPassedNeverLater() throws Exception {
    get(DB);
    sm.rotate("payments/db", "v2");
    clock.advance(Duration.ofMinutes(44)); // before the refresh-ahead point
    assertEquals("v1", value(get(DB)));

    clock.advance(Duration.ofMinutes(16)); // exactly the TTL: nothing older is served
    SecretCache.Lookup after = get(DB);
    assertEquals(Source.MISS, after.source());
    assertEquals("v2", value(after));
    assertEquals(2, sm.calls("GetSecretValue"));
  }

  @Test
  void pastThreeQuartersOfTheTtl_oneBackgroundReadRefreshesAhead() throws Exception {
    get(DB);
    sm.rotate("payments/db", "v2");
    clock.advance(Duration.ofMinutes(45));

    SecretCache.Lookup during = get(DB);
    assertEquals(Source.HIT, during.source());
    assertEquals("v1", value(during), "callers keep the cached value while it refreshes");
    assertEquals(2, sm.calls("GetSecretValue"));

    SecretCache.Lookup next = get(DB);
    assertEquals(Source.HIT, next.source());
    assertEquals("v2", value(next));
    clock.advance(Duration.ofMinutes(44)); // the refreshed value has its own full TTL
    assertEquals(Source.HIT, get(DB).source());
    assertEquals(2, sm.calls("GetSecretValue"));
  }

  @Test
  void force_readsNowAndCachesTheResultForEveryone() throws Exception {
    get(DB);
    sm.rotate("payments/db", "v2");

    SecretCache.Lookup forced = cache.get(DB, FRESHNESS, true).get(30, TimeUnit.SECONDS);
    assertEquals(Source.MISS, forced.source());
    assertEquals("v2", value(forced));
    SecretCache.Lookup after = get(DB);
    assertEquals(Source.HIT, after.source());
    assertEquals("v2", value(after));
  }

  @Test
  void stagesAndVersionIds_areCachedApart() throws Exception {
    String v1 = sm.versionId("payments/db", "AWSCURRENT");
    sm.rotate("payments/db", "v2");
    var previous = new SecretCache.Key(new SecretCall("payments/db", Optional.empty(),
        Optional.of("AWSPREVIOUS")), Optional.empty());
    var byId = new SecretCache.Key(new SecretCall("payments/db", Optional.of(v1), Optional.empty()),
        Optional.empty());

    assertEquals("v2", value(get(DB)));
    assertEquals("v1", value(get(previous)));
    assertEquals("v1", value(get(byId)));
    assertEquals(List.of("AWSPREVIOUS"), get(byId).version().versionStages());
    assertEquals(3, sm.calls("GetSecretValue"));
  }

  @Test
  void concurrentMisses_shareOneAwsCall() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      cache = cache(pool);
      sm.latency(Duration.ofMillis(300)); // the read is in flight while all requests arrive
      List<CompletableFuture<SecretCache.Lookup>> all = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        all.add(cache.get(DB, FRESHNESS, false));
      }
      Set<String> versions = new HashSet<>();
      for (var f : all) {
        versions.add(f.get(30, TimeUnit.SECONDS).version().versionId());
      }
      assertEquals(1, versions.size());
      assertEquals(1, sm.calls("GetSecretValue"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void awsOutage_servesTheCachedValueForTheGraceThenFailsUnavailable() throws Exception {
    get(DB);
    sm.close();
    clock.advance(TTL);
    SecretCache.Lookup stale = get(DB);
    assertEquals(Source.STALE, stale.source());
    assertEquals("v1", value(stale));

    clock.advance(GRACE.minusSeconds(1));
    assertEquals(Source.STALE, get(DB).source());
    clock.advance(Duration.ofSeconds(1)); // TTL + grace: nothing servable
    assertEquals(AwsCallException.Kind.UNAVAILABLE, failure(DB).kind());
  }

  @Test
  void secretDeletedAfterCaching_endsTheCachedValueEvenThroughALaterOutage() throws Exception {
    get(DB);
    sm.delete("payments/db");
    clock.advance(TTL);
    assertEquals("InvalidRequestException", failure(DB).awsCode());

    sm.close();
    assertEquals(AwsCallException.Kind.UNAVAILABLE, failure(DB).kind(), "no stale value left");
  }

  @Test
  void zeroTtl_readsEveryTime() throws Exception {
    var uncached = new SecretCache.Freshness(Duration.ZERO, Duration.ZERO);
    cache.get(DB, uncached, false).get(30, TimeUnit.SECONDS);
    assertEquals(Source.MISS, cache.get(DB, uncached, false).get(30, TimeUnit.SECONDS).source());
    assertEquals(2, sm.calls("GetSecretValue"));
  }

  private SecretCache cache(java.util.concurrent.Executor io) {
    return new SecretCache(gateway, null, io, clock, 1000);
  }

  private SecretCache.Lookup get(SecretCache.Key key) throws Exception {
    return cache.get(key, FRESHNESS, false).get(30, TimeUnit.SECONDS);
  }

  private AwsCallException failure(SecretCache.Key key) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> cache.get(key, FRESHNESS, false).get(30, TimeUnit.SECONDS));
    return (AwsCallException) e.getCause();
  }

  private static String value(SecretCache.Lookup l) {
    return l.version().string().orElseThrow().reveal();
  }
}
