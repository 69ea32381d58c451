package dev.credbroker.server.audit;

import dev.credbroker.server.config.AuditConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log's single writer: one thread takes whatever records are queued, chains them, writes
 * them in one batch and syncs once (group commit), so durability costs one flush per batch rather
 * than one per request. Every caller waits for its own batch. A failed batch is rolled back from the
 * file and its callers are told, so the chain on disk never holds a record whose decision was
 * refused.
 */
public final class AuditWriter implements AuditLog {
  private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);
  /** Calls whose successful answers reveal nothing new; they may be sampled or skipped. */
  static final Set<String> INFORMATIONAL_RPCS = Set.of("WhoAmI", "ListEntitlements");
  private static final int MAX_BATCH = 1024;
  private static final int MAX_QUEUED = 65_536;
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private static final Pending STOP = new Pending(null, null);

  private final AuditSink sink;
  private final AuditConfig config;
  private final Clock clock;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
  private final Thread thread;
  private volatile boolean closed;
  // Writer thread only:
  private long seq;
  private String prev;
  private boolean failing;
  private boolean needsRollback;

  private record Pending(AuditEvent event, CompletableFuture<Void> written) {}

  private AuditWriter(AuditSink sink, AuditConfig config, Clock clock, AuditSink.ChainHead head) {
    this.sink = sink;
    this.config = config;
    this.clock = clock;
    this.seq = head.seq();
    this.prev = head.hash();
    this.thread = new Thread(this::run, "credbroker-audit");
    thread.setDaemon(true);
  }

  /** Opens the configured sink, resumes its chain and starts writing. */
  public static AuditWriter open(AuditConfig config, Clock clock) throws IOException {
    AuditSink sink = config.sink() == AuditConfig.Sink.STDOUT ? new StdoutAuditSink()
        : new FileAuditSink(config.file().orElseThrow(), config.maxFileBytes(),
            config.rotateEvery(), FileAuditSink.FILES);
    return start(sink, config, clock);
  }

  static AuditWriter start(AuditSink sink, AuditConfig config, Clock clock) throws IOException {
    AuditWriter writer = new AuditWriter(sink, config, clock, sink.open(clock.instant()));
    if (!config.failClosed()) {
      log.warn("audit.fail_closed is false: decisions are served even when their records cannot"
          + " be written; use this for development only");
    }
    writer.thread.start();
    return writer;
  }

  @Override
  public CompletableFuture<Void> append(AuditEvent event) {
    if (!kept(event)) {
      return DONE;
    }
    Pending p = new Pending(event, new CompletableFuture<>());
    if (closed || !queue.offer(p)) {
      return failed(closed ? "the audit log is closed" : "the audit log is overloaded");
    }
    return p.written();
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
      stopping = batch.remove(STOP);
      if (!batch.isEmpty()) {
        commit(batch);
      }
      batch.clear();
    }
    queue.drainTo(batch);
    batch.remove(STOP);
    commit(batch);
  }

  private void commit(List<Pending> batch) {
    if (batch.isEmpty()) {
      return;
    }
    long seqBefore = seq;
    String prevBefore = prev;
    StringBuilder text = new StringBuilder(batch.size() * 600);
    for (Pending p : batch) {
      StringBuilder record = AuditJson.decision(p.event(), ++seq, prev);
      prev = AuditChain.seal(record);
      text.append(record).append('\n');
    }
    try {
      writeDurably(text);
    } catch (IOException | RuntimeException e) {
      seq = seqBefore;
      prev = prevBefore;
      failed(batch, e);
      return;
    }
    if (failing) {
      log.info("the audit log is writable again");
      failing = false;
    }
    rotateIfDue(); // before answering, so a caller that saw its record written sees the rotation
    batch.forEach(p -> p.written().complete(null));
  }

  private void writeDurably(StringBuilder text) throws IOException {
    if (needsRollback) {
      sink.rollback();
      needsRollback = false;
    }
    try {
      sink.write(text.toString().getBytes(StandardCharsets.UTF_8));
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

  private void failed(List<Pending> batch, Exception cause) {
    if (!failing) {
      log.error("the audit log cannot be written ({}); {}", cause.getMessage(), config.failClosed()
          ? "refusing every decision until it can" : "decisions are served UNRECORDED");
      failing = true;
    }
    for (Pending p : batch) {
      if (config.failClosed()) {
        p.written().completeExceptionally(
            new AuditUnavailableException("the audit log cannot be written"));
      } else {
        p.written().complete(null);
      }
    }
  }

  private void rotateIfDue() {
    Instant now = clock.instant();
    if (!sink.rotationDue(now)) {
      return;
    }
    StringBuilder end = AuditJson.segmentEnd(seq + 1, now, prev);
    String hash = AuditChain.seal(end);
    try {
      writeDurably(end.append('\n'));
    } catch (IOException e) {
      log.error("cannot seal the audit segment for rotation ({}); will retry", e.getMessage());
      return;
    }
    seq++;
    prev = hash;
    try {
      sink.rotate(now, seq);
      log.info("audit chain head at rotation: seq {} hash {}", seq, prev);
    } catch (IOException e) {
      log.error("cannot rotate the audit log ({}); records continue in the same file",
          e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      queue.put(STOP);
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      sink.close();
    } catch (IOException e) {
      log.warn("closing the audit log: {}", e.getMessage());
    }
    log.info("audit log closed; chain head seq {} hash {}", seq, prev);
  }
}
