package dev.credbroker.server.audit;

import dev.credbroker.core.audit.AuditChain;
import dev.credbroker.core.audit.AuditJson;
import dev.credbroker.core.audit.RecordBuffer;
import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.server.metrics.AuditMetrics;
import dev.credbroker.server.metrics.BrokerMetrics;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the chain: sequence numbers, the previous hash, the sink, rotation, rollback
 * and checkpoints. It is single-threaded by contract: every call comes from whoever holds the
 * admission's lock ({@link TurnBatching}) or from the writer thread ({@link GroupCommit}), never
 * two at once, so none of its state needs more than that.
 */
final class ChainWriter {
  private static final Logger log = LoggerFactory.getLogger(ChainWriter.class);

  private final AuditSink sink;
  private final AuditConfig config;
  private final Clock clock;
  private final Optional<Checkpoints> checkpoints;
  private final AuditMetrics metrics;
  private final RecordBuffer lines = new RecordBuffer(64 * 1024);
  private final long openedAtSeq;
  private long seq;
  private String prev;
  private boolean failing;
  private boolean needsRollback;
  private boolean needsSegmentStart;
  /** The opposite of {@code failing}, for other threads (health, metrics). */
  private volatile boolean writable = true;

  ChainWriter(AuditSink sink, AuditConfig config, Clock clock, AuditSink.ChainHead head,
      Optional<Checkpoints> checkpoints) {
    this(sink, config, clock, head, checkpoints, BrokerMetrics.detached().audit());
  }

  ChainWriter(AuditSink sink, AuditConfig config, Clock clock, AuditSink.ChainHead head,
      Optional<Checkpoints> checkpoints, AuditMetrics metrics) {
    this.metrics = metrics;
    this.sink = sink;
    this.config = config;
    this.clock = clock;
    this.checkpoints = checkpoints;
    this.seq = head.seq();
    this.openedAtSeq = head.seq();
    this.prev = head.hash();
    this.needsSegmentStart = sink.startsSegment();
  }

  /**
   * Chains and writes {@code bodies}, after a segment_start a rotation still owes and followed by
   * a checkpoint when one is due (or, with {@code seal}, whenever records are unsealed); returns
   * why they could not be written (nothing of them is then on disk), or null once they are.
   */
  Exception commit(List<byte[]> bodies, boolean seal) {
    Instant now = clock.instant();
    long headAfter = seq + bodies.size() + (needsSegmentStart ? 1 : 0);
    // While failing, the timer's empty commit writes a checkpoint anyway: a probe that notices
    // the log is writable again when no caller is sending records (health sent them elsewhere).
    boolean checkpoint = checkpoints.map(c -> seal ? c.unsealed(headAfter)
        : c.due(now, headAfter) || (failing && bodies.isEmpty())).orElse(false);
    if (bodies.isEmpty() && !checkpoint && !needsSegmentStart) {
      return null;
    }
    long seqBefore = seq;
    String prevBefore = prev;
    lines.clear();
    if (needsSegmentStart) {
      append(lines, AuditJson.segmentStart(now));
    }
    for (byte[] body : bodies) {
      append(lines, body);
    }
    if (checkpoint) {
      append(lines, checkpoints.get().body(now, seq, prev));
    }
    long started = System.nanoTime();
    try {
      writeDurably(lines);
    } catch (IOException | RuntimeException e) {
      metrics.failed(System.nanoTime() - started);
      seq = seqBefore;
      prev = prevBefore;
      if (!failing) {
        log.error("the audit log cannot be written ({}); {}", e.getMessage(), config.failClosed()
            ? "refusing every decision until it can" : "decisions are served UNRECORDED");
        failing = true;
        writable = false;
      }
      return e;
    }
    metrics.written(bodies.size(), lines.size(), System.nanoTime() - started);
    needsSegmentStart = false;
    if (checkpoint) {
      checkpointWritten(now);
    }
    if (failing) {
      log.info("the audit log is writable again");
      failing = false;
      writable = true;
    }
    rotateIfDue(); // before answering, so a caller that saw its record written sees the rotation
    return null;
  }

  /** Whether the last write succeeded; readable from any thread. */
  boolean writable() {
    return writable;
  }

  /** Writes the final checkpoint over unsealed records, then closes the sink. */
  void close() {
    if (checkpoints.isPresent()) {
      commit(List.of(), true);
    }
    try {
      sink.close();
      if (seq != openedAtSeq) { // an unchanged head was anchored by the run that wrote it
        log.info("audit log closed; chain head seq {} hash {}", seq, prev);
      }
    } catch (IOException e) {
      log.warn("closing the audit log: {}", e.getMessage());
    }
  }

  private void append(RecordBuffer out, byte[] body) {
    int start = out.size();
    AuditJson.record(out, ++seq, body, prev);
    prev = AuditChain.seal(out, start);
  }

  private void checkpointWritten(Instant now) {
    checkpoints.get().written(now, seq);
    log.info("audit checkpoint: seq {} hash {}", seq, prev);
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

  /** Seals the file (a checkpoint, segment_end), moves it aside, and starts the next one. */
  private void rotateIfDue() {
    Instant now = clock.instant();
    if (!sink.rotationDue(now)) {
      return;
    }
    boolean checkpoint = checkpoints.map(c -> c.unsealed(seq)).orElse(false);
    List<byte[]> seal = checkpoint
        ? List.of(checkpoints.get().body(now, seq, prev), AuditJson.segmentEnd(now))
        : List.of(AuditJson.segmentEnd(now));
    if (!writeOnItsOwn(seal, "seal the audit segment for rotation", "will retry")) {
      return;
    }
    if (checkpoint) {
      checkpoints.get().written(now, seq - 1);
    }
    try {
      sink.rotate(now, seq);
      log.info("audit chain head at rotation: seq {} hash {}", seq, prev);
      needsSegmentStart = !writeOnItsOwn(List.of(AuditJson.segmentStart(now)),
          "start the new audit segment", "will retry with the next record");
    } catch (IOException e) {
      log.error("cannot rotate the audit log ({}); records continue in the same file",
          e.getMessage());
    }
  }

  /**
   * Chains and writes records outside a caller's batch (rotation's seal, a new segment's start);
   * on failure the chain stays as it was and the failure is logged as {@code cannot <what> (...);
   * <then>}.
   */
  private boolean writeOnItsOwn(List<byte[]> bodies, String what, String then) {
    long seqBefore = seq;
    String prevBefore = prev;
    RecordBuffer out = new RecordBuffer(1024);
    bodies.forEach(body -> append(out, body));
    try {
      writeDurably(out);
      return true;
    } catch (IOException e) {
      seq = seqBefore;
      prev = prevBefore;
      log.error("cannot " + what + " ({}); " + then, e.getMessage());
      return false;
    }
  }
}
