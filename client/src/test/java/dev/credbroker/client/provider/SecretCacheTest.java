package dev.credbroker.client.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.BrokerException;
import dev.credbroker.client.SecretRequest;
import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.client.testing.ManualExecutor;
import dev.credbroker.client.token.TokenSource;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.proto.v1.SecretValue;
import dev.credbroker.server.testing.MutableClock;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SecretCache against a broker answering chosen secret versions, on a hand-moved clock. */
class SecretCacheTest {
  record Db(String username, String password, String host, int port, Optional<String> dbname,
      boolean useSsl) {
    @Override
    public String toString() {
      return "Db[" + username + "@" + host + "]";
    }
  }

  private final MutableClock clock = MutableClock.startingNow();
  private final ManualExecutor refreshes = new ManualExecutor();
  private final AtomicInteger version = new AtomicInteger(1);
  private final List<GetSecretValueRequest> requests = new CopyOnWriteArrayList<>();
  private FakeBroker broker;
  private BrokerClient client;
  private SecretCache cache;

  @BeforeEach
  void start() throws Exception {
    broker = FakeBroker.start(clock);
    broker.answerSecrets(r -> {
      requests.add(r);
      int v = version.get();
      return SecretValue.newBuilder().setSecret(r.getSecret()).setName("prod/" + r.getSecret())
          .setArn("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db").setVersionId("v" + v)
          .setSecretString("{\"username\":\"app\",\"password\":\"pw-" + v + "\",\"host\":\"db.internal\","
              + "\"port\":5432,\"use_ssl\":true}").build();
    });
    client = BrokerClient.builder().target(broker.target()).plaintext().maxAttempts(1)
        .tokenSource(TokenSource.of("a.b.c")).build();
    cache = SecretCache.builder().client(client).clock(clock).executor(refreshes).build();
  }

  @AfterEach
  void stop() {
    cache.close();
    client.close();
    broker.close();
  }

  @Test
  void repeatedReads_costOneBrokerCall() {
    for (int i = 0; i < 100; i++) {
      assertEquals("v1", cache.get("db").versionId());
    }
    assertEquals(1, broker.secretCalls());
  }

  @Test
  void getJson_mapsToARecord_snakeCaseAndOptionalIncluded() {
    Db db = cache.getJson("db", Db.class);
    assertEquals(new Db("app", "pw-1", "db.internal", 5432, Optional.empty(), true), db);
  }

  @Test
  void getJson_mismatches_nameTheFieldNeverTheValue() {
    record Missing(String username, String token) {}
    record WrongType(int password) {}
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> cache.getJson("db", Missing.class));
    assertEquals("secret 'db' has no field 'token'", missing.getMessage());
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> cache.getJson("db", WrongType.class));
    assertEquals("secret 'db': field 'password' is not a int", wrong.getMessage());
    assertFalse(wrong.getMessage().contains("pw-1"));
  }

  @Test
  void afterRefreshAfter_readsGetTheOldValueAtOnce_andOneBackgroundRefreshReplacesIt() {
    cache.get("db");
    version.set(2);
    clock.advance(Duration.ofMinutes(5).plusMillis(1));

    assertEquals("v1", cache.get("db").versionId());
    assertEquals("v1", cache.get("db").versionId());
    refreshes.runAll();
    assertEquals("v2", cache.get("db").versionId());
    assertEquals(2, broker.secretCalls(), "one refresh for both reads");
  }

  @Test
  void failedRefresh_keepsTheValue_untilTtl() {
    cache.get("db");
    clock.advance(Duration.ofMinutes(30));
    broker.failNext(Status.UNAVAILABLE);
    cache.get("db");
    refreshes.runAll();
    assertEquals("v1", cache.get("db").versionId(), "kept through a broker outage");

    clock.advance(Duration.ofMinutes(31)); // older than the 1 hour ttl
    broker.failNext(Status.UNAVAILABLE);
    BrokerException e = assertThrows(BrokerException.class, () -> cache.get("db"));
    assertEquals(BrokerException.Reason.UNAVAILABLE, e.reason());
  }

  @Test
  void failuresAreNotCached() {
    broker.failNext(Status.NOT_FOUND.withDescription("secret 'db' does not exist"));
    assertEquals(BrokerException.Reason.NOT_FOUND, assertThrows(BrokerException.class, () -> cache.get("db")).reason());
    assertEquals("v1", cache.get("db").versionId());
  }

  @Test
  void refresh_bypassesTheBrokersCache_andVersionsAreCachedApart() {
    cache.get("db");
    version.set(2);
    assertEquals("v2", cache.refresh("db").versionId());
    assertTrue(requests.get(1).getForceRefresh());
    assertEquals("v2", cache.get("db").versionId());

    cache.get(SecretRequest.of("db").withVersionStage("AWSPREVIOUS"));
    assertEquals("AWSPREVIOUS", requests.get(2).getVersionStage());
    assertEquals(3, broker.secretCalls());
    cache.invalidate("db");
    cache.get("db");
    assertEquals(4, broker.secretCalls());
  }

  @Test
  void builder_refusesARefreshSlowerThanTheTtl() {
    assertThrows(IllegalArgumentException.class, () -> SecretCache.builder().client(client)
        .ttl(Duration.ofMinutes(5)).refreshAfter(Duration.ofMinutes(5)).build());
    assertThrows(IllegalStateException.class, () -> SecretCache.builder().build());
  }
}
