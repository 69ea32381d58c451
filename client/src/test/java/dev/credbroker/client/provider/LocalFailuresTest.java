package dev.credbroker.client.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.BrokerException;
import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.server.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An Error in this JVM (the unshaded client beside an older protobuf fails with
 * NoClassDefFoundError) reaches the caller at once with the error as the cause. Deadlines are an
 * hour here, so a failure that waited for one would hang the test (the timeout only guards).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalFailuresTest {
  private static final Duration HOUR = Duration.ofHours(1);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final NoClassDefFoundError missing =
      new NoClassDefFoundError("com/google/protobuf/RuntimeVersion$RuntimeDomain");
  private FakeBroker broker;

  @BeforeEach
  void start() throws Exception {
    broker = FakeBroker.start(clock);
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  @Test
  void tokenSourceThrowsAnError_callFailsAtOnceAsLocalFailureWithTheError() {
    try (BrokerClient client = client()) {
      BrokerException e = assertThrows(BrokerException.class, client::whoAmI);

      assertEquals(BrokerException.Reason.LOCAL_FAILURE, e.reason());
      assertSame(missing, e.getCause());
      assertTrue(e.getMessage().contains("RuntimeVersion$RuntimeDomain"), e.getMessage());
      assertEquals(0, broker.authorizations().size(), "nothing was sent");
    }
  }

  @Test
  void providerOverAClientWhoseCallsFailWithAnError_failsAtOnceWithTheErrorOnTheCauseChain() {
    try (BrokerClient client = client();
        BrokerCredentialsProvider p = BrokerCredentialsProvider.builder().client(client)
            .role("deployer").clock(clock).build()) {
      CredentialsUnavailableException e =
          assertThrows(CredentialsUnavailableException.class, p::resolveCredentials);

      BrokerException cause = assertInstanceOf(BrokerException.class, e.getCause());
      assertEquals(BrokerException.Reason.LOCAL_FAILURE, cause.reason());
      assertSame(missing, cause.getCause());
    }
  }

  @Test
  void refreshThatThrowsAnErrorOnTheRefreshThread_completesAndTheCallerGetsTheError() {
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    try (CredentialRefresher<String> refresher = new CredentialRefresher<>(() -> {
      throw missing; // as a proto class whose static initializer needs a newer protobuf
    }, c -> c.accessKeyId(), "role 'deployer'", clock, Duration.ofMinutes(5), Duration.ofMinutes(1),
        () -> 0.5, thread, thread, HOUR)) {
      CredentialsUnavailableException e =
          assertThrows(CredentialsUnavailableException.class, refresher::get);

      assertSame(missing, e.getCause());
      assertTrue(e.getMessage().contains("RuntimeVersion$RuntimeDomain"), e.getMessage());
    }
  }

  private BrokerClient client() {
    return BrokerClient.builder().target(broker.target()).plaintext().deadline(HOUR)
        .tokenSource(() -> {
          throw missing;
        }).build();
  }
}
