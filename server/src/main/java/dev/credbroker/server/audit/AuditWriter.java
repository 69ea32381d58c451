package dev.credbroker.server.audit;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.AuditJson;
import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.server.metrics.AuditMetrics;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.ops.DaemonThreads;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log's writer: what the broker calls. Each caller encodes its own record (off any
 * lock); one {@link ChainWriter} chains and writes, fed by one {@link Admission}:
 * {@link TurnBatching} for {@code os_buffered} (no writer thread: a network thread writes its
 * turn's records at the turn's end, in one write) or {@link GroupCommit} for {@code fsync} (one
 * writer thread, one flush per batch). Either way a caller's future completes only once its record
 * is written, on the caller's own network thread; a failed write is rolled back from the file and
 * its callers are told, so the chain on disk never holds a record whose decision was refused.
 */
public final class AuditWriter implements AuditLog {
  private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);
  /** Calls whose successful answers reveal nothing new; they may be sampled or skipped. */
  static final Set<Rpc> INFORMATIONAL_RPCS = EnumSet.of(Rpc.WHO_AM_I, Rpc.LIST_ENTITLEMENTS);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final AuditConfig config;
  private final Deferral deferral;
  private final Admission admission;
  private final Optional<Checkpoints> checkpoints;
  private final Optional<ScheduledExecutorService> ticker;
  private final ChainWriter chain;
  private volatile boolean closed;

  private AuditWriter(AuditConfig config, Deferral deferral, Admission admission,
      Optional<Checkpoints> checkpoints, ChainWriter chain) {
    this.chain = chain;
    this.config = config;
    this.deferral = deferral;
    this.admission = admission;
    this.checkpoints = checkpoints;
    this.ticker = checkpoints.map(c -> Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.named("credbroker-audit-checkpoint")));
  }

  /**
   * Opens the configured sink, resumes its chain and starts writing. With {@code os_buffered}, a
   * thread that can defer work ({@code deferral}) writes the records of its whole turn at its end.
   */
  public static AuditWriter open(AuditConfig config, Clock clock, Deferral deferral)
      throws IOException {
    return open(config, clock, deferral, BrokerMetrics.detached().audit());
  }

  /** As {@link #open(AuditConfig, Clock, Deferral)}, recording writes in {@code metrics}. */
  public static AuditWriter open(AuditConfig config, Clock clock, Deferral deferral,
      AuditMetrics metrics) throws IOException {
    AuditSink sink = config.sink() == AuditConfig.Sink.STDOUT ? new StdoutAuditSink()
        : new FileAuditSink(config.file().orElseThrow(), config.maxFileBytes(),
            config.rotateEvery(), FileAuditSink.FILES);
    return start(sink, config, clock, deferral, metrics);
  }

  public static AuditWriter open(AuditConfig config, Clock clock) throws IOException {
    return open(config, clock, Deferral.NONE);
  }

  static AuditWriter start(AuditSink sink, AuditConfig config, Clock clock) throws IOException {
    return start(sink, config, clock, Deferral.NONE);
  }

  static AuditWriter start(AuditSink sink, AuditConfig config, Clock clock, Deferral deferral)
      throws IOException {
    return start(sink, config, clock, deferral, BrokerMetrics.detached().audit());
  }

  static AuditWriter start(AuditSink sink, AuditConfig config, Clock clock, Deferral deferral,
      AuditMetrics metrics) throws IOException {
    AuditSink.ChainHead head = sink.open(clock.instant());
    Optional<Checkpoints> checkpoints;
    try {
      checkpoints = ChainSealing.open(config, clock, head);
    } catch (IOException | RuntimeException e) {
      sink.close();
      throw e;
    }
    ChainWriter chain = new ChainWriter(sink, config, clock, head, checkpoints, metrics);
    metrics.writable(chain::writable);
    Admission admission = config.durability() == AuditConfig.Durability.OS_BUFFERED
        ? new TurnBatching(chain, deferral, config.failClosed())
        : new GroupCommit(chain, new LinkedBlockingQueue<>(GroupCommit.MAX_QUEUED),
            config.failClosed());
    AuditWriter writer = new AuditWriter(config, deferral, admission, checkpoints, chain);
    if (!config.failClosed()) {
      log.warn("audit.fail_closed is false: decisions are served even when their records cannot"
          + " be written; use this for development only");
    }
    if (checkpoints.isPresent()) {
      admission.sealNow(); // what an earlier run left unsealed, signed before anything new
      long every = config.sealing().checkpointInterval().toMillis() / 2; // sealed within 1.5
      writer.ticker.get().scheduleAtFixedRate(admission::tick, every, every, MILLISECONDS);
    }
    return writer;
  }

  /** Which key signs the checkpoints and where its public half is; empty when unsigned. */
  public Optional<String> sealing() {
    return checkpoints.map(Checkpoints::summary);
  }

  /**
   * Whether the last write succeeded. After a failure it turns true again with the next write
   * that succeeds: a caller's record, or (with checkpoints) the timer's probe every half
   * checkpoint interval.
   */
  public boolean writable() {
    return !closed && chain.writable();
  }

  @Override
  public CompletableFuture<Void> append(AuditEvent event) {
    if (!kept(event)) {
      return DONE;
    }
    if (closed) {
      return config.failClosed() ? CompletableFuture.failedFuture(
          new AuditUnavailableException("the audit log is closed")) : DONE;
    }
    Pending p = new Pending(AuditJson.decision(event), deferral.ownerOfThisThread());
    admission.admit(p);
    return p.written;
  }

  private boolean kept(AuditEvent event) {
    if (event.decision() != AuditEvent.Decision.ALLOW
        || !INFORMATIONAL_RPCS.contains(event.rpc())) {
      return true;
    }
    return switch (config.informational()) {
      case RECORD -> true;
      case SKIP -> false;
      case SAMPLE -> ThreadLocalRandom.current().nextDouble() < config.sampleRate();
    };
  }

  /** Writes what was admitted, refuses what comes later, seals the chain and closes the file. */
  @Override
  public void close() {
    closed = true;
    ticker.ifPresent(ExecutorService::shutdownNow);
    admission.close();
  }
}
