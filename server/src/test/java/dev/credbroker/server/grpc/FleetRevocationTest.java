package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.StoreConfig;
import dev.credbroker.server.revocation.RevocationStore;
import dev.credbroker.server.revocation.StoreRevocationStore;
import dev.credbroker.store.AuditStore;
import dev.credbroker.store.testing.PostgresExtension;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every revocation scenario of {@link RevocationTest}, with the two replicas keeping revocations
 * in one PostgreSQL fleet store (each through its own pool) instead of a shared file.
 */
class FleetRevocationTest extends RevocationTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();
  private StoreConfig config;

  /**
   * The store down longer than fail_closed_after (1 minute here): the replica keeps its last list
   * while it may, then refuses issuance, and serves again once it can read the list.
   */
  @Test
  void aStoreOutageLongerThanTheBound_refusesIssuance_untilTheListIsReadable() throws Exception {
    String alice = token("alice", "developers");
    assertEquals(Status.Code.OK, status(one, alice));
    postgres.cluster().stop();
    try {
      one.revoker().poll();
      assertEquals(Status.Code.OK, status(one, alice), "within the bound: the last list holds");
      clock.advance(Duration.ofSeconds(61));
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> credentials(one, alice));
      assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
      assertTrue(refused.getStatus().getDescription().contains("revocation list"),
          refused.getStatus().getDescription());
    } finally {
      postgres.cluster().startServer();
    }
    one.revoker().poll();
    assertEquals(Status.Code.OK, status(one, alice));
  }

  @Override
  protected RevocationStore revocationStore() throws Exception {
    if (config == null) {
      config = postgres.cluster().newStore();
    }
    AuditStore store = AuditStore.create(config);
    store.prepare(Instant.now());
    closeLater(store);
    return new StoreRevocationStore(store.revocations());
  }
}
