package dev.credbroker.server.audit;

import dev.credbroker.core.audit.AuditChain;
import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.AuditJson;
import dev.credbroker.core.audit.RecordBuffer;
import dev.credbroker.core.config.AuditConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log's writer. Each caller encodes its own record (off any lock); the writer only
 * chains records and writes them. With {@code os_buffered} durability there is no writer thread:
 * a network thread writes the records of all the requests it handled in one turn of its event
 * loop at the end of that turn ({@link Deferral}), and any other thread writes at once. Whoever
 * writes takes every record waiting at that moment, in one {@code write(2)}, and a caller that
 * finds the log busy leaves its record to the one writing (flat combining: no hand-off, no thread
 * parked on a lock).
 * With {@code fsync} one thread takes whatever records are queued, writes them in one batch and
 * syncs once (group commit), so durability costs one flush per batch rather than one per request.
 * Either way a caller's future completes only once its record is written; a failed write is rolled
 * back from the file and its callers are told, so the chain on disk never holds a record whose
 * decision was refused.
 */
public final class AuditWriter implements AuditLog {
  private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);
  /** Calls whose successful answers reveal nothing new; they may be sampled or skipped. */
  static final Set<String> INFORMATIONAL_RPCS = Set.of("WhoAmI", "ListEntitlements");
  private static final int MAX_BATCH = 1024;
  private static final int MAX_QUEUED = 65_536;
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  /** Sentinels, compared by identity: as records, STOP and TICK are equal to each other. */
  private static final Pending STOP = new Pending(null, null);
  /** Asks the writer thread (fsync) to write a due checkpoint. */
  private static final Pending TICK = new Pending(null, null);

  private final AuditSink sink;
  private final AuditConfig config;
  private final Clock clock;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
  private final Queue<Pending> arrivals = new ConcurrentLinkedQueue<>();
  private final ReentrantLock writing = new ReentrantLock();
  private final Thread thread;
  private final boolean inline;
  private final Deferral deferral;
  /** Per thread: the records of its current turn, written together at the turn's end. */
  private final ThreadLocal<List<Pending>> turn = ThreadLocal.withInitial(ArrayList::new);
  private volatile boolean closed;
  // The writer thread's, or (inline) whoever holds `writing`:
  private final RecordBuffer lines = new RecordBuffer(64 * 1024);
  private final long openedAtSeq;
  private long seq;
  private String prev;
  private boolean failing;
  private boolean needsRollback;
  private final java.util.Optional<Checkpoints> checkpoints;
  private final java.util.Optional<java.util.concurrent.ScheduledExecutorService> ticker;
  private boolean needsSegmentStart;

  /** A record encoded by its caller ({@link AuditJson#decision}), waiting for its place. */
  private record Pending(byte[] body, CompletableFuture<Void> written) {}

  private AuditWriter(AuditSink sink, AuditConfig config, Clock clock, Deferral deferral,
      AuditSink.ChainHead head, java.util.Optional<Checkpoints> checkpoints) {
    this.sink = sink;
    this.config = config;
    this.clock = clock;
    this.deferral = deferral;
    this.seq = head.seq();
    this.openedAtSeq = head.seq();
    this.prev = head.hash();
    this.thread = new Thread(this::run, "credbroker-audit");
    thread.setDaemon(true);
    this.inline = config.durability() == AuditConfig.Durability.OS_BUFFERED;
    this.checkpoints = checkpoints;
    this.ticker = checkpoints.map(c -> java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor(dev.credbroker.server.ops.DaemonThreads.named(
            "credbroker-audit-checkpoint")));
  }

  /**
   * Opens the configured sink, resumes its chain and starts writing. With {@code os_buffered}, a
   * thread that can defer work ({@code deferral}) writes the records of its whole turn at its end.
   */
  public static AuditWriter open(AuditConfig config, Clock clock, Deferral deferral)
      throws IOException {
    AuditSink sink = config.sink() == AuditConfig.Sink.STDOUT ? new StdoutAuditSink()
        : new FileAuditSink(config.file().orElseThrow(), config.maxFileBytes(),
            config.rotateEvery(), FileAuditSink.FILES);
    return start(sink, config, clock, deferral);
  }

  public static AuditWriter open(AuditConfig config, Clock clock) throws IOException {
    return open(config, clock, Deferral.NONE);
  }

  static AuditWriter start(AuditSink sink, AuditConfig config, Clock clock) throws IOException {
    return start(sink, config, clock, Deferral.NONE);
  }

  static AuditWriter start(AuditSink sink, AuditConfig config, Clock clock, Deferral deferral)
      throws IOException {
    AuditSink.ChainHead head = sink.open(clock.instant());
    java.util.Optional<Checkpoints> checkpoints;
    try {
      checkpoints = ChainSealing.open(config, clock, head);
    } catch (IOException | RuntimeException e) {
      sink.close();
      throw e;
    }
    AuditWriter writer = new AuditWriter(sink, config, clock, deferral, head, checkpoints);
    writer.needsSegmentStart = sink.startsSegment();
    if (!config.failClosed()) {
      log.warn("audit.fail_closed is false: decisions are served even when their records cannot"
          + " be written; use this for development only");
    }
    if (!writer.inline) {
      writer.thread.start();
    }
    writer.sealResumedHead();
    writer.ticker.ifPresent(t -> {
      long every = config.sealing().checkpointInterval().toMillis() / 2; // sealed within 1.5
      t.scheduleAtFixedRate(writer::tick, every, every, TimeUnit.MILLISECONDS);
    });
    return writer;
  }

  /** Which key signs the checkpoints and where its public half is; empty when unsigned. */
  public java.util.Optional<String> sealing() {
    return checkpoints.map(Checkpoints::summary);
  }

  @Override
  public CompletableFuture<Void> append(AuditEvent event) {
    if (!kept(event)) {
      return DONE;
    }
    if (closed) {
      return failed("the audit log is closed");
    }
    Pending p = new Pending(AuditJson.decision(event), new CompletableFuture<>());
    if (inline) {
      List<Pending> mine = turn.get();
      mine.add(p);
      if (mine.size() == 1 && !deferral.deferOnThisThread(this::endOfTurn)) {
        endOfTurn(); // this thread cannot wait for the end of a turn
      }
      return p.written();
    }
    if (!queue.offer(p)) {
      return failed("the audit log is overloaded");
    }
    return p.written();
  }

  /**
   * Writes this thread's records of the turn in one write, with any other thread left while the
   * log was busy, and answers them on this thread; if another thread is writing, leaves them to it.
   */
  private void endOfTurn() {
    List<Pending> mine = turn.get();
    List<Pending> batch = new ArrayList<>(mine);
    mine.clear();
    if (batch.isEmpty()) {
      return;
    }
    if (writing.tryLock()) {
      writeAndRelease(batch);
    } else {
      arrivals.addAll(batch);
    }
    writeArrivals(); // whatever others left, or this thread left, while the log was busy
  }

  /**
   * Writes what has arrived, unless another caller is writing: that one looks again after it lets
   * go, so a record added while it wrote is never left behind.
   */
  private void writeArrivals() {
    while (!arrivals.isEmpty() && writing.tryLock()) {
      writeAndRelease(new ArrayList<>());
    }
  }

  /**
   * With {@code writing} held by this thread: adds waiting arrivals to {@code batch} (up to a
   * batch's size), writes it, lets go of the lock, then answers its callers (unlocked: completing
   * a future sends that caller's answer).
   */
  private void writeAndRelease(List<Pending> batch) {
    Exception failure;
    try {
      for (Pending p; batch.size() < MAX_BATCH && (p = arrivals.poll()) != null; ) {
        batch.add(p);
      }
      failure = closed ? new AuditUnavailableException("the audit log is closed") : commit(batch);
    } finally {
      writing.unlock();
    }
    settle(batch, failure);
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

  private CompletableFuture<Void> failed(String why) {
    return config.failClosed() ? CompletableFuture.failedFuture(new AuditUnavailableException(why))
        : DONE;
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    boolean stopping = false;
    while (!stopping) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      stopping = batch.removeIf(p -> p == STOP);
      boolean sealResumed = batch.removeIf(p -> p == TICK) && !checkpoints.isEmpty()
          && seq == openedAtSeq;
      settle(batch, commit(batch, sealResumed));
      batch.clear();
    }
    queue.drainTo(batch);
    batch.removeIf(p -> p == STOP || p == TICK);
    settle(batch, commit(batch));
  }

  /** Chains and writes a batch; returns why it could not be written, or null once it is. */
  private Exception commit(List<Pending> batch) {
    return commit(batch, false);
  }

  /**
   * Chains and writes a batch, after a segment_start the last rotation still owes and followed by
   * a checkpoint when one is due (or {@code seal} asks for one over unsealed records); returns why
   * it could not be written, or null once it is.
   */
  private Exception commit(List<Pending> batch, boolean seal) {
    Instant now = clock.instant();
    long headAfterBatch = seq + batch.size() + (needsSegmentStart ? 1 : 0);
    boolean checkpoint = checkpoints.map(c -> seal ? c.unsealed(headAfterBatch)
        : c.due(now, headAfterBatch)).orElse(false);
    if (batch.isEmpty() && !checkpoint && !needsSegmentStart) {
      return null;
    }
    long seqBefore = seq;
    String prevBefore = prev;
    lines.clear();
    if (needsSegmentStart) {
      prev = append(lines, ++seq, AuditJson.segmentStart(now), prev);
    }
    for (Pending p : batch) {
      prev = append(lines, ++seq, p.body(), prev);
    }
    if (checkpoint) {
      prev = append(lines, seq + 1, checkpoints.get().body(now, seq, prev), prev);
      seq++;
    }
    try {
      writeDurably(lines);
    } catch (IOException | RuntimeException e) {
      seq = seqBefore;
      prev = prevBefore;
      if (!failing) {
        log.error("the audit log cannot be written ({}); {}", e.getMessage(), config.failClosed()
            ? "refusing every decision until it can" : "decisions are served UNRECORDED");
        failing = true;
      }
      return e;
    }
    needsSegmentStart = false;
    if (checkpoint) {
      checkpointWritten(now);
    }
    if (failing) {
      log.info("the audit log is writable again");
      failing = false;
    }
    rotateIfDue(); // before answering, so a caller that saw its record written sees the rotation
    return null;
  }

  private void checkpointWritten(Instant now) {
    checkpoints.get().written(now, seq);
    log.info("audit checkpoint: seq {} hash {}", seq, prev);
  }

  /** Seals a head resumed from an earlier run, so its unsigned tail is covered from now on. */
  private void sealResumedHead() {
    if (checkpoints.isEmpty() || !checkpoints.get().unsealed(seq)) {
      return;
    }
    if (inline) {
      writing.lock();
      try {
        commit(List.of(), true);
      } finally {
        writing.unlock();
      }
    } else {
      queue.offer(TICK); // the writer thread owns the chain from here on
    }
  }

  /** The checkpoint timer: writes a due checkpoint while records flow. */
  private void tick() {
    if (closed) {
      return;
    }
    if (!inline) {
      queue.offer(TICK);
      return;
    }
    writing.lock();
    try {
      if (!closed) {
        commit(List.of());
      }
    } finally {
      writing.unlock();
    }
    writeArrivals(); // records left while the timer held the log
  }

  private static String append(RecordBuffer out, long seq, byte[] body, String prev) {
    int start = out.size();
    AuditJson.record(out, seq, body, prev);
    return AuditChain.seal(out, start);
  }

  /** Tells a batch's callers how it went; with fail_closed off a failure is not theirs to see. */
  private void settle(List<Pending> batch, Exception failure) {
    for (Pending p : batch) {
      if (failure == null || !config.failClosed()) {
        p.written().complete(null);
      } else {
        p.written().completeExceptionally(failure instanceof AuditUnavailableException closing
            ? closing : new AuditUnavailableException("the audit log cannot be written"));
      }
    }
  }

  private void writeDurably(RecordBuffer batch) throws IOException {
    if (needsRollback) {
      sink.rollback();
      needsRollback = false;
    }
    try {
      sink.write(batch.view());
      if (config.durability() == AuditConfig.Durability.FSYNC) {
        sink.sync();
      }
      sink.commit();
    } catch (IOException | RuntimeException e) {
      needsRollback = true;
      sink.rollback();
      needsRollback = false;
      throw e;
    }
  }

  private void rotateIfDue() {
    Instant now = clock.instant();
    if (!sink.rotationDue(now)) {
      return;
    }
    RecordBuffer end = new RecordBuffer(1024);
    long endSeq = seq;
    String hash = prev;
    boolean checkpoint = checkpoints.map(c -> c.unsealed(seq)).orElse(false);
    if (checkpoint) {
      int start = end.size();
      AuditJson.record(end, ++endSeq, checkpoints.get().body(now, seq, prev), prev);
      hash = AuditChain.seal(end, start);
    }
    hash = append(end, ++endSeq, AuditJson.segmentEnd(now), hash);
    try {
      writeDurably(end);
    } catch (IOException e) {
      log.error("cannot seal the audit segment for rotation ({}); will retry", e.getMessage());
      return;
    }
    if (checkpoint) {
      seq++;
      checkpoints.get().written(now, seq);
    }
    seq = endSeq;
    prev = hash;
    try {
      sink.rotate(now, seq);
      log.info("audit chain head at rotation: seq {} hash {}", seq, prev);
      needsSegmentStart = true;
      startSegment(now);
    } catch (IOException e) {
      log.error("cannot rotate the audit log ({}); records continue in the same file",
          e.getMessage());
    }
  }

  /** The new file's first record, so a reader can tell a rotation's start from a cut. */
  private void startSegment(Instant now) {
    RecordBuffer start = new RecordBuffer(256);
    String hash = append(start, seq + 1, AuditJson.segmentStart(now), prev);
    try {
      writeDurably(start);
    } catch (IOException e) {
      log.error("cannot start the new audit segment ({}); will retry with the next record",
          e.getMessage());
      return;
    }
    seq++;
    prev = hash;
    needsSegmentStart = false;
  }

  @Override
  public void close() {
    List<Pending> last = new ArrayList<>();
    Exception failure;
    writing.lock();
    try {
      if (closed) {
        return;
      }
      for (Pending p; (p = arrivals.poll()) != null; ) {
        last.add(p); // accepted before the close: written; anything later is refused
      }
      failure = commit(last);
      closed = true;
    } finally {
      writing.unlock();
    }
    settle(last, failure);
    if (!inline) {
      try {
        queue.put(STOP);
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ticker.ifPresent(java.util.concurrent.ExecutorService::shutdownNow);
    writing.lock();
    try {
      if (checkpoints.isPresent()) {
        commit(List.of(), true); // the shutdown checkpoint: the head, signed
      }
      sink.close();
      if (seq != openedAtSeq) { // an unchanged head was anchored by the run that wrote it
        log.info("audit log closed; chain head seq {} hash {}", seq, prev);
      }
    } catch (IOException e) {
      log.warn("closing the audit log: {}", e.getMessage());
    } finally {
      writing.unlock();
    }
  }
}
