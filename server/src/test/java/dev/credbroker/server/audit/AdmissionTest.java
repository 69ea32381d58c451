package dev.credbroker.server.audit;

import static dev.credbroker.core.audit.AuditEvent.Decision.ALLOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditJson;
import dev.credbroker.core.audit.AuditVerifier;
import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.server.testing.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two ways records reach the chain, at the edges: a close racing a record being queued, and
 * answers sent from the thread that owns the call when another thread wrote its record.
 */
class AdmissionTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  private ChainWriter chain(AuditSink sink, AuditConfig.Durability durability) throws Exception {
    AuditConfig config = new AuditConfig(AuditConfig.Sink.FILE, Optional.of(live()), true,
        durability, Long.MAX_VALUE, Optional.empty(), AuditConfig.Informational.RECORD, 1.0,
        List.of());
    return new ChainWriter(sink, config, clock, sink.open(clock.instant()), Optional.empty());
  }

  private Path live() {
    return dir.resolve("audit.jsonl");
  }

  private FileAuditSink fileSink() {
    return new FileAuditSink(live(), Long.MAX_VALUE, Optional.empty(), FileAuditSink.FILES);
  }

  private Pending record(String subject) {
    return new Pending(AuditJson.decision(AuditEvents.issued(subject, "r", ALLOW,
        clock.instant())), null);
  }

  /**
   * The race a reviewer found: a record checked "not closed", then the close and the writer's
   * last look ran, then the record was queued behind them, never written or answered. Here the
   * record's queuing is held open while close() runs; the record must still be answered.
   */
  @Test
  void groupCommit_closeWhileARecordIsBeingQueued_writesOrRefusesIt_neverLeavesIt()
      throws Exception {
    CountDownLatch queuing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>() {
      @Override
      public boolean offer(Pending p) {
        if (p.body != null) {
          queuing.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return super.offer(p);
      }
    };
    GroupCommit admission = new GroupCommit(chain(fileSink(), AuditConfig.Durability.FSYNC),
        queue, true);
    Pending late = record("late");
    threads.submit(() -> admission.admit(late));
    assertTrue(queuing.await(30, TimeUnit.SECONDS));

    Thread closer = new Thread(admission::close, "closer");
    closer.start();
    while (closer.getState() != Thread.State.BLOCKED
        && closer.getState() != Thread.State.TERMINATED) {
      Thread.onSpinWait(); // until close() waits for the record's queuing, or has finished
    }
    release.countDown();

    late.written.get(10, TimeUnit.SECONDS); // hung forever when close() could pass the queuing
    closer.join(TimeUnit.SECONDS.toMillis(30));
    AuditVerifier.Report report = AuditVerifier.verify(List.of(live()));
    assertTrue(report.ok(), report.toString());
    assertEquals(1, report.decisions(), "queued before the close, so written");
  }

  @Test
  void groupCommit_afterClose_refusesAtOnce() throws Exception {
    GroupCommit admission = new GroupCommit(chain(fileSink(), AuditConfig.Durability.FSYNC),
        new LinkedBlockingQueue<>(), true);
    admission.close();
    Pending after = record("after");
    admission.admit(after);
    assertTrue(after.written.isCompletedExceptionally());
  }

  /**
   * A record another thread wrote (it found the log busy and left the record to the writing
   * thread) is answered on its owner's event loop, so the answer leaves from the owner's thread.
   */
  @Test
  void turnBatching_aRecordWrittenByAnotherThread_isAnsweredOnItsOwnersThread() throws Exception {
    HeldFirstWriteSink held = new HeldFirstWriteSink(fileSink());
    TurnBatching admission = new TurnBatching(chain(held, AuditConfig.Durability.OS_BUFFERED),
        task -> false, true);
    ExecutorService owner = Executors.newSingleThreadExecutor(r -> new Thread(r, "owner-loop"));
    try {
      threads.submit(() -> admission.admit(record("first"))); // holds the log in its write
      assertTrue(held.firstWriteStarted.await(30, TimeUnit.SECONDS));
      AtomicReference<String> answeredOn = new AtomicReference<>();
      CompletableFuture<Void> answered = owner.submit(() -> {
        Pending mine = new Pending(AuditJson.decision(AuditEvents.issued("mine", "r", ALLOW,
            clock.instant())), owner);
        admission.admit(mine); // the log is busy: left to the writing thread
        return mine.written.thenRun(() -> answeredOn.set(Thread.currentThread().getName()));
      }).get(30, TimeUnit.SECONDS);
      held.release();
      answered.get(30, TimeUnit.SECONDS);
      assertEquals("owner-loop", answeredOn.get());
      admission.close();
      assertEquals(2, AuditVerifier.verify(List.of(live())).decisions());
    } finally {
      owner.shutdownNow();
    }
  }
}
