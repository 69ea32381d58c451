package dev.credbroker.server.fleet;

import dev.credbroker.core.config.StoreConfig;
import dev.credbroker.server.ops.DaemonThreads;
import dev.credbroker.store.AuditStore;
import dev.credbroker.store.StoreException;
import dev.credbroker.store.StoredRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves this broker's records from its local trail into the fleet store, on a thread of its own,
 * behind the local write: issuance never waits for it, and a store outage only delays it (the
 * local trail is the write-ahead log). Each round resumes from the store's position for this
 * broker, so a restart, a crash or an outage loses and duplicates nothing; checkpoints travel
 * with the records. Failures back off (1 s doubling to 1 min, jittered) and are logged once
 * when they start and once when they end. At the end of every round (a round waiting out its
 * backoff too) it reports how far behind the local trail the store is ({@link Lag}).
 */
public final class AuditShipper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditShipper.class);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
  private static final Duration RETENTION_EVERY = Duration.ofHours(1);

  private final AuditStore store;
  private final TrailReader trail;
  private final String brokerId;
  private final StoreConfig config;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private AuditStore.Position position;
  private boolean prepared;
  /** What is failing (one of a few fixed phrases), null while shipping works. */
  private volatile String failure;
  private Duration backoff = Duration.ZERO;
  private Instant retryAt = Instant.MIN;
  private Instant retentionAt = Instant.MIN;
  private volatile long shippedSeq;
  private volatile long shippedTotal;
  /** Notified at the end of every round, for {@link #awaitRound}. */
  private final Object rounds = new Object();
  private final Lag lag;
  /** Where lag is counted from until the store's position is known: the local head at start. */
  private long lagBase = -1;
  /** The last round that found the store caught up (or the start): what is unshipped is newer. */
  private Instant caughtUpAt;

  /**
   * Where the shipper reports its lag (the broker's {@code credbroker_audit_shipper_lag_*}
   * gauges): records in the local trail and not in the store, and how long the store has been
   * behind: since the last round that found it caught up, which bounds the age of the oldest
   * record not yet stored from above by one {@code ship_interval}. Until this process has reached
   * the store once, records are counted from the local head at start (what was written before
   * is not known to be missing).
   */
  @FunctionalInterface
  public interface Lag {
    Lag NONE = (records, behind) -> { };

    void report(long records, Duration behind);
  }

  AuditShipper(AuditStore store, Path live, String brokerId, StoreConfig config, Clock clock,
      Lag lag) {
    this.store = store;
    this.trail = new TrailReader(live);
    this.brokerId = brokerId;
    this.config = config;
    this.clock = clock;
    this.lag = lag;
    this.caughtUpAt = clock.instant();
    this.thread = Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.named("credbroker-audit-shipper"));
  }

  /**
   * Starts shipping {@code live}'s trail as {@code brokerId}, every {@code ship_interval},
   * reporting to {@code lag} after each round.
   */
  public static AuditShipper start(AuditStore store, Path live, String brokerId,
      StoreConfig config, Clock clock, Lag lag) {
    AuditShipper s = new AuditShipper(store, live, brokerId, config, clock, lag);
    long every = config.shipInterval().toMillis();
    s.thread.scheduleWithFixedDelay(s::round, 0, every, TimeUnit.MILLISECONDS);
    return s;
  }

  /** The highest seq this broker has stored (0 until the first round reaches the store). */
  public long shippedSeq() {
    return shippedSeq;
  }

  /** Whether shipping is failing now (the store unreachable or refusing, the trail diverged). */
  public boolean failing() {
    return failure != null;
  }

  /** Records this process stored (new ones; re-shipped records are not counted). */
  public long shippedTotal() {
    return shippedTotal;
  }

  /**
   * Waits until {@code condition} holds, looking again at the end of each round, for at most
   * {@code timeout}; false when it did not hold in time. For whoever must see the store caught
   * up (tests, a shutdown that reports what is left).
   */
  public boolean awaitRound(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (rounds) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(rounds, left);
      }
      return true;
    }
  }

  /** One round: catch up with the local trail, as far as it goes. Runs on the shipper thread. */
  void round() {
    try {
      shipRound();
      reportLag();
    } finally {
      synchronized (rounds) {
        rounds.notifyAll();
      }
    }
  }

  private void shipRound() {
    Instant now = clock.instant();
    if (now.isBefore(retryAt)) {
      return;
    }
    try {
      if (!prepared) {
        String summary = store.prepare(now);
        position = store.position(brokerId);
        prepared = true;
        log.info("{}; shipping broker {} from seq {}", summary, brokerId, position.seq() + 1);
      }
      List<StoredRecord> batch;
      do {
        batch = trail.read(position, config.batchSize());
        if (!batch.isEmpty()) {
          shippedTotal += store.ship(brokerId, batch, clock.instant());
          StoredRecord last = batch.get(batch.size() - 1);
          position = new AuditStore.Position(last.seq(), last.hash());
          shippedSeq = last.seq();
        }
      } while (batch.size() == config.batchSize());
      if (batch.isEmpty() && trail.localHead() < position.seq()) {
        throw new TrailReader.Diverged("the local audit trail ends at seq " + trail.localHead()
            + " but the store holds broker " + brokerId + "'s records up to seq "
            + position.seq() + ": the local files were cut or replaced; keep them as evidence"
            + " and run 'credbroker audit verify --store'");
      }
      shippedSeq = position.seq();
      retention(now);
      recovered();
    } catch (StoreException e) {
      prepared = false; // on recovery: the schema again, and the store's position, not ours
      failed(e.getMessage(), e.unreachable() ? "the audit store is unreachable"
          : "the audit store refused the records");
    } catch (TrailReader.Diverged e) {
      failed(e.getMessage(), "audit records are not shipped");
    } catch (IOException e) {
      failed(e.getMessage(), "the local audit trail cannot be read");
    } catch (RuntimeException e) {
      log.error("the audit shipper failed unexpectedly", e);
      failed(e.toString(), "audit records are not shipped");
    }
  }

  /** Tells {@link Lag} how far the store is behind the local head. */
  private void reportLag() {
    long head;
    try {
      head = trail.localHead();
    } catch (IOException e) {
      return; // the round that failed to read the trail said so; the gauges keep their value
    }
    if (lagBase < 0) {
      lagBase = head;
    }
    long stored = prepared ? position.seq() : Math.max(lagBase, shippedSeq);
    long records = Math.max(0, head - stored);
    Instant now = clock.instant();
    if (records == 0) {
      caughtUpAt = now;
    }
    lag.report(records, records == 0 ? Duration.ZERO : Duration.between(caughtUpAt, now));
  }

  private void retention(Instant now) throws StoreException {
    if (config.retention().isPresent() && !now.isBefore(retentionAt)) {
      List<String> dropped = store.applyRetention(now);
      if (!dropped.isEmpty()) {
        log.info("audit store retention dropped {}", dropped);
      }
      retentionAt = now.plus(RETENTION_EVERY);
    }
  }

  private void failed(String why, String what) {
    if (!what.equals(failure)) {
      log.warn("{} ({}); records stay in the local trail and are shipped when this clears;"
          + " retrying with backoff", what, why);
    }
    failure = what;
    backoff = backoff.isZero() ? Duration.ofSeconds(1) : min(backoff.multipliedBy(2));
    long jitter = ThreadLocalRandom.current().nextLong(backoff.toMillis() / 4 + 1);
    retryAt = clock.instant().plus(backoff).plusMillis(jitter);
  }

  private void recovered() {
    if (failure != null) {
      log.info("audit shipping resumed; broker {} stored up to seq {}", brokerId, position.seq());
      failure = null;
    }
    backoff = Duration.ZERO;
    retryAt = Instant.MIN;
  }

  private static Duration min(Duration d) {
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  /**
   * Stops shipping after one last round (when the store is reachable), so the final checkpoint
   * the closed writer wrote reaches the store; what is left stays in the local trail for the next
   * start. Call after the audit writer is closed.
   */
  @Override
  public void close() {
    if (failure == null) {
      thread.execute(this::round);
    }
    thread.shutdown();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
