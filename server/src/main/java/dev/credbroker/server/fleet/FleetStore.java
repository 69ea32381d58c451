package dev.credbroker.server.fleet;

import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.core.config.StoreConfig;
import dev.credbroker.store.AuditStore;
import dev.credbroker.store.StoreException;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's fleet store, when {@code audit.store} is configured: the pool, the schema checked
 * (or migrated) at start, and the shipper. A store that cannot be reached does not stop the broker
 * from starting (the shipper keeps trying); a schema the broker may not migrate does.
 */
public final class FleetStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FleetStore.class);

  private final AuditStore store;
  private final AuditShipper shipper;

  private FleetStore(AuditStore store, AuditShipper shipper) {
    this.store = store;
    this.shipper = shipper;
  }

  /** Empty without {@code audit.store}; throws when the store refuses this broker's schema. */
  public static Optional<FleetStore> start(AuditConfig audit, Clock clock) throws IOException {
    return start(audit, clock, AuditShipper.Lag.NONE);
  }

  /** As {@link #start(AuditConfig, Clock)}, the shipper reporting its lag to {@code lag}. */
  public static Optional<FleetStore> start(AuditConfig audit, Clock clock, AuditShipper.Lag lag)
      throws IOException {
    if (audit.store().isEmpty()) {
      return Optional.empty();
    }
    StoreConfig config = audit.store().get();
    AuditStore store;
    try {
      store = AuditStore.create(config);
    } catch (StoreException e) {
      throw new IOException(e.getMessage());
    }
    try {
      log.info(store.prepare(clock.instant()));
    } catch (StoreException e) {
      if (!e.unreachable()) {
        store.close();
        throw new IOException(e.getMessage());
      }
      log.warn("{}; the broker starts anyway and ships its audit trail once the store is back",
          e.getMessage());
    }
    AuditShipper shipper = AuditShipper.start(store, audit.file().orElseThrow(),
        audit.brokerId(), config, clock, lag);
    return Optional.of(new FleetStore(store, shipper));
  }

  /** Searches every broker's records in the store. */
  public AuditSource source() {
    return AuditSource.store(store);
  }

  /** Where the fleet keeps its revocations: this store's table (docs/revocation.md). */
  public dev.credbroker.server.revocation.RevocationStore revocations() {
    return new dev.credbroker.server.revocation.StoreRevocationStore(store.revocations());
  }

  public AuditShipper shipper() {
    return shipper;
  }

  /** Ships what the closed audit writer left, then closes the pool. */
  @Override
  public void close() {
    shipper.close();
    store.close();
  }
}
