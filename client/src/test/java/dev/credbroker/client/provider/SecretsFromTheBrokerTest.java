package dev.credbroker.client.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.BrokerException;
import dev.credbroker.client.SecretValue;
import dev.credbroker.client.testing.RealBroker;
import dev.credbroker.client.token.TokenSource;
import dev.credbroker.server.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BrokerClient and SecretCache against the broker's real GetSecretValue (policy, secret cache,
 * Secrets Manager over the AWS SDK to FakeSecretsManager).
 */
class SecretsFromTheBrokerTest {
  record Db(String username, String password, String host, int port) {
    @Override
    public String toString() {
      return "Db[" + username + "@" + host + "]";
    }
  }

  private final MutableClock clock = MutableClock.startingNow();
  private RealBroker broker;
  private BrokerClient client;
  private SecretCache secrets;

  @BeforeEach
  void start() throws Exception {
    broker = RealBroker.start(clock);
    client = BrokerClient.builder().target(broker.target()).plaintext()
        .tokenSource(TokenSource.fromSupplier(() -> broker.token("alice"))).build();
    secrets = SecretCache.builder().client(client).clock(clock).build();
  }

  @AfterEach
  void stop() {
    secrets.close();
    client.close();
    broker.close();
  }

  @Test
  void secretValue_withItsVersion_andAsARecord() {
    SecretValue v = client.getSecretValue("payments-db");
    assertEquals(RealBroker.DB_SECRET, v.secretString());
    assertEquals("payments/db", v.name());
    assertEquals(broker.secretsManager().versionId("payments/db", "AWSCURRENT"), v.versionId());
    assertEquals(java.util.List.of("AWSCURRENT"), v.versionStages());
    assertFalse(v.toString().contains("pw-from-secrets-manager"));

    assertEquals(new Db("payments", "pw-from-secrets-manager", "db.internal", 5432),
        secrets.getJson("payments-db", Db.class));
  }

  @Test
  void rotatedPassword_cachedValueStays_refreshGetsTheNewOne() {
    assertEquals("pw-from-secrets-manager", secrets.getJson("payments-db", Db.class).password());
    broker.secretsManager().rotate("payments/db", RealBroker.DB_SECRET.replace("pw-from-secrets-manager", "pw-rotated"));

    assertEquals("pw-from-secrets-manager", secrets.getJson("payments-db", Db.class).password(),
        "the cached value, until it is refreshed");

    secrets.refresh("payments-db"); // e.g. after the database refused the old password
    assertEquals("pw-rotated", secrets.getJson("payments-db", Db.class).password());
  }

  @Test
  void notEntitled_isPermissionDenied() {
    BrokerException e = assertThrows(BrokerException.class, () -> secrets.get("someone-elses"));
    assertEquals(BrokerException.Reason.PERMISSION_DENIED, e.reason());
  }
}
