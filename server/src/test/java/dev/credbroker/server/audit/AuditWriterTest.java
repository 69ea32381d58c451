package dev.credbroker.server.audit;

import static dev.credbroker.core.audit.AuditEvent.Decision.ALLOW;
import static dev.credbroker.core.audit.AuditEvent.Decision.DENY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditFiles;
import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.audit.AuditVerifier;
import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.server.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AuditWriterTest {
  private static final long NO_ROTATION = Long.MAX_VALUE;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
  private final ExecutorService threads = Executors.newFixedThreadPool(8);
  private final List<AuditWriter> writers = new ArrayList<>();

  @AfterEach
  void stop() {
    threads.shutdownNow();
    writers.forEach(AuditWriter::close);
  }

  private Path live() {
    return dir.resolve("audit.jsonl");
  }

  private AuditWriter open(AuditConfig config, AuditSink sink) throws IOException {
    return open(config, sink, Deferral.NONE);
  }

  private AuditWriter open(AuditConfig config, AuditSink sink, Deferral deferral)
      throws IOException {
    AuditWriter w = AuditWriter.start(sink, config, clock, deferral);
    writers.add(w);
    return w;
  }

  private AuditWriter open(long maxBytes, Optional<Duration> maxAge) throws IOException {
    return open(AuditConfig.toFile(live()), new FileAuditSink(live(), maxBytes, maxAge,
        FileAuditSink.FILES));
  }

  private AuditConfig config(AuditConfig.Durability durability) {
    return new AuditConfig(AuditConfig.Sink.FILE, Optional.of(live()), true, durability,
        NO_ROTATION, Optional.empty(), AuditConfig.Informational.RECORD, 1.0, List.of());
  }

  private void close(AuditWriter w) {
    w.close();
    writers.remove(w);
  }

  private AuditSink fileSink() {
    return new FileAuditSink(live(), NO_ROTATION, Optional.empty(), FileAuditSink.FILES);
  }

  /** Closes {@code w} and checks the whole chain it left. */
  private AuditVerifier.Report closeAndVerify(AuditWriter w) throws IOException {
    close(w);
    AuditVerifier.Report report = verify();
    assertTrue(report.ok(), report.toString());
    return report;
  }

  /** The whole log, checkpoint signatures included. */
  private AuditVerifier.Report verify() throws IOException {
    return AuditVerifier.verify(AuditFiles.segments(live()), new AuditVerifier.Options(
        Optional.of(AuditSigner.readPublicKey(dir.resolve("audit-signing.key.pub"))),
        Optional.empty()));
  }

  private static void await(CompletableFuture<Void> f) throws Exception {
    f.get(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(AuditConfig.Durability.class)
  void append_fromEightThreads_writesOneValidChain(AuditConfig.Durability durability)
      throws Exception {
    AuditWriter w = open(config(durability), new FileAuditSink(live(), NO_ROTATION,
        Optional.empty(), FileAuditSink.FILES));
    List<CompletableFuture<Void>> written = new ArrayList<>();
    List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      submitted.add(threads.submit(() -> {
        for (int i = 0; i < 250; i++) {
          CompletableFuture<Void> f = w.append(AuditEvents.issued("u" + thread + "-" + i, "r",
              ALLOW, clock.instant()));
          synchronized (written) {
            written.add(f);
          }
        }
      }));
    }
    for (var s : submitted) {
      s.get(30, TimeUnit.SECONDS);
    }
    CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    AuditVerifier.Report report = closeAndVerify(w);
    assertEquals(2000, report.decisions());
    assertEquals(1, report.firstSeq());
    assertEquals(2001, report.lastSeq(), "and the shutdown checkpoint");
    assertEquals(0, report.unsealed());
  }

  @Test
  void groupCommit_recordsQueuedDuringAFlush_shareTheNextFlush() throws Exception {
    HeldFirstWriteSink counting = new HeldFirstWriteSink(fileSink());
    AuditWriter w = open(config(AuditConfig.Durability.FSYNC), counting);
    CompletableFuture<Void> first = w.append(AuditEvents.issued("first", "r", ALLOW, clock.instant()));
    assertTrue(counting.firstWriteStarted.await(30, TimeUnit.SECONDS));
    List<CompletableFuture<Void>> queued = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      queued.add(w.append(AuditEvents.issued("q" + i, "r", ALLOW, clock.instant())));
    }
    counting.release();
    await(first);
    CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    assertEquals(2, counting.syncs.get(), "one flush for the first record, one for the 100 queued behind it");
    close(w);
    assertEquals(101, verify().decisions());
  }

  /**
   * os_buffered has no writer thread: a caller that finds the log busy leaves its record to the
   * caller writing, which writes everything that arrived meanwhile in one more write.
   */
  @Test
  void osBuffered_recordsArrivingDuringAWrite_areWrittenByTheWritingCaller_inOneWrite()
      throws Exception {
    HeldFirstWriteSink blocking = new HeldFirstWriteSink(fileSink());
    AuditWriter w = open(config(AuditConfig.Durability.OS_BUFFERED), blocking);
    Future<CompletableFuture<Void>> first = threads.submit(() ->
        w.append(AuditEvents.issued("first", "r", ALLOW, clock.instant())));
    assertTrue(blocking.firstWriteStarted.await(30, TimeUnit.SECONDS));
    List<CompletableFuture<Void>> arrived = new ArrayList<>();
    for (int i = 0; i < 100; i++) { // returns at once: this thread never waits for the lock
      arrived.add(w.append(AuditEvents.issued("a" + i, "r", ALLOW, clock.instant())));
    }
    assertTrue(arrived.stream().noneMatch(CompletableFuture::isDone), "written before the first");
    blocking.release();
    assertTrue(first.get(30, TimeUnit.SECONDS).isDone());
    assertTrue(arrived.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()),
        "the writing caller returned before writing the records that arrived during its write");
    assertEquals(2, blocking.writes.get(), "one write for the first record, one for the 100 behind it");
    AuditVerifier.Report report = closeAndVerify(w);
    assertEquals(101, report.decisions());
  }

  /**
   * On a thread that can defer (a network event loop), records wait for the end of the thread's
   * turn and then leave together in one write; one deferred write per turn, however many records.
   */
  @Test
  void osBuffered_onAThreadThatDefers_writesTheTurnsRecordsInOneWrite_atItsEnd() throws Exception {
    HeldFirstWriteSink counting = new HeldFirstWriteSink(fileSink());
    counting.release();
    List<Runnable> endOfTurn = new ArrayList<>();
    AuditWriter w = open(config(AuditConfig.Durability.OS_BUFFERED), counting, endOfTurn::add);
    for (int turn = 1; turn <= 2; turn++) {
      List<CompletableFuture<Void>> records = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        records.add(w.append(AuditEvents.issued("t" + turn + "-" + i, "r", ALLOW,
            clock.instant())));
      }
      assertEquals(1, endOfTurn.size(), "one deferred write per turn");
      assertTrue(records.stream().noneMatch(CompletableFuture::isDone), "answered unwritten");
      endOfTurn.remove(0).run();
      assertTrue(records.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
      assertEquals(turn, counting.writes.get());
    }
    close(w);
    assertEquals(10, verify().decisions());
  }

  @Test
  void osBuffered_whenTheThreadCannotDefer_writesAtOnce() throws Exception {
    AuditWriter w = open(config(AuditConfig.Durability.OS_BUFFERED),
        fileSink(),
        task -> false);
    assertTrue(w.append(AuditEvents.issued("u", "r", ALLOW, clock.instant())).isDone());
    close(w);
    assertEquals(1, verify().decisions());
  }

  @Test
  void rotation_bySize_sealsEachSegmentAndCarriesTheChain() throws Exception {
    AuditWriter w = open(4_000, Optional.empty());
    for (int i = 0; i < 40; i++) {
      await(w.append(AuditEvents.issued("u" + i, "r", ALLOW, clock.instant())));
    }
    close(w);

    List<Path> segments = AuditFiles.segments(live());
    assertTrue(segments.size() >= 3, segments.toString());
    for (Path rotated : segments.subList(0, segments.size() - 1)) {
      List<String> lines = Files.readAllLines(rotated);
      assertTrue(lines.get(lines.size() - 2).contains("\"type\":\"checkpoint\""), rotated.toString());
      assertTrue(lines.get(lines.size() - 1).contains("\"type\":\"segment_end\""), rotated.toString());
    }
    for (Path started : segments.subList(1, segments.size())) {
      assertTrue(Files.readAllLines(started).get(0).contains("\"type\":\"segment_start\""),
          started.toString());
    }
    AuditVerifier.Report report = verify();
    assertTrue(report.ok(), report.toString());
    assertEquals(40, report.decisions());
    assertEquals(40 + 3 * (segments.size() - 1) + 1, report.verified(),
        "40 decisions, a checkpoint, segment_end and segment_start per rotation, the shutdown checkpoint");
    assertEquals(segments.size(), report.checkpoints());
  }

  @Test
  void rotation_byAge_startsANewFileAfterTheInterval() throws Exception {
    AuditWriter w = open(NO_ROTATION, Optional.of(Duration.ofHours(1)));
    await(w.append(AuditEvents.issued("before", "r", ALLOW, clock.instant())));
    assertEquals(1, AuditFiles.segments(live()).size());

    clock.advance(Duration.ofHours(1));
    await(w.append(AuditEvents.issued("after", "r", ALLOW, clock.instant())));

    assertEquals(2, AuditFiles.segments(live()).size());
    close(w);
    assertTrue(verify().ok());
  }

  @Test
  void restart_continuesTheChainInTheSameFile() throws Exception {
    AuditWriter first = open(NO_ROTATION, Optional.empty());
    for (int i = 0; i < 5; i++) {
      await(first.append(AuditEvents.issued("a" + i, "r", ALLOW, clock.instant())));
    }
    close(first);
    AuditWriter second = open(NO_ROTATION, Optional.empty());
    for (int i = 0; i < 5; i++) {
      await(second.append(AuditEvents.issued("b" + i, "r", ALLOW, clock.instant())));
    }
    AuditVerifier.Report report = closeAndVerify(second);
    assertEquals(10, report.decisions());
    assertEquals(12, report.lastSeq(), "each run ends with its checkpoint");
  }

  @Test
  void restart_rightAfterRotation_continuesFromTheNewestSegment() throws Exception {
    AuditWriter first = open(NO_ROTATION, Optional.of(Duration.ofHours(1)));
    await(first.append(AuditEvents.issued("a", "r", ALLOW, clock.instant())));
    clock.advance(Duration.ofHours(1));
    await(first.append(AuditEvents.issued("b", "r", ALLOW, clock.instant())));
    clock.advance(Duration.ofHours(1));
    await(first.append(AuditEvents.issued("c", "r", ALLOW, clock.instant()))); // rotates: live empty
    close(first);
    Files.write(live(), new byte[0]); // as if stopped right after the rotation

    AuditWriter second = open(NO_ROTATION, Optional.empty());
    await(second.append(AuditEvents.issued("d", "r", ALLOW, clock.instant())));
    close(second);

    AuditVerifier.Report report = verify();
    assertTrue(report.ok(), report.toString());
    assertEquals(4, report.decisions());
    assertTrue(Files.readAllLines(live()).get(0).contains("\"type\":\"segment_start\""),
        "the resumed file still starts with its segment_start");
  }

  @Test
  void restart_afterAnInterruptedWrite_cutsThePartialRecordAndContinues() throws Exception {
    AuditWriter first = open(NO_ROTATION, Optional.empty());
    for (int i = 0; i < 3; i++) {
      await(first.append(AuditEvents.issued("a" + i, "r", ALLOW, clock.instant())));
    }
    close(first);
    Files.writeString(live(), "{\"v\":1,\"seq\":4,\"type\":\"decis", StandardOpenOption.APPEND);
    assertFalse(verify().ok(), "the partial record is reported before the restart");

    AuditWriter second = open(NO_ROTATION, Optional.empty());
    await(second.append(AuditEvents.issued("b", "r", ALLOW, clock.instant())));
    AuditVerifier.Report report = closeAndVerify(second);
    assertEquals(4, report.decisions());
    assertEquals(6, report.lastSeq(), "each run ends with its checkpoint");
  }

  @Test
  void restart_withATamperedLastRecord_refusesToStart() throws Exception {
    AuditWriter first = open(NO_ROTATION, Optional.empty());
    await(first.append(AuditEvents.issued("alice", "r", ALLOW, clock.instant())));
    close(first);
    Files.writeString(live(), Files.readString(live()).replace("alice", "mallory"));

    IOException e = assertThrows(IOException.class, () -> open(NO_ROTATION, Optional.empty()));
    assertTrue(e.getMessage().contains("fails its check at start") && e.getMessage()
        .contains("edited"), e.getMessage());
  }

  @Test
  void secondWriter_onTheSameFile_isRefused() throws Exception {
    open(NO_ROTATION, Optional.empty());

    IOException e = assertThrows(IOException.class, () -> open(NO_ROTATION, Optional.empty()));
    assertTrue(e.getMessage().contains("another broker is writing"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(AuditConfig.Durability.class)
  void diskFull_failsTheWaitingCallers_andLeavesNoPartialRecord(AuditConfig.Durability durability)
      throws Exception {
    FullDiskChannel[] channel = new FullDiskChannel[1];
    FileAuditSink sink = new FileAuditSink(live(), NO_ROTATION, Optional.empty(), file -> {
      channel[0] = new FullDiskChannel(FileAuditSink.FILES.open(file));
      return channel[0];
    });
    AuditWriter w = open(config(durability), sink);
    await(w.append(AuditEvents.issued("before", "r", ALLOW, clock.instant())));

    channel[0].full(true);
    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> await(w.append(AuditEvents.issued("during", "r", ALLOW, clock.instant()))));
    assertInstanceOf(AuditUnavailableException.class, refused.getCause());

    channel[0].full(false);
    await(w.append(AuditEvents.issued("after", "r", ALLOW, clock.instant())));
    close(w);

    String text = Files.readString(live(), StandardCharsets.UTF_8);
    assertFalse(text.contains("during"), "the refused decision left no trace");
    AuditVerifier.Report report = verify();
    assertTrue(report.ok(), report.toString());
    assertEquals(2, report.decisions());
  }

  @Test
  void failOpen_servesDecisionsWhileTheLogCannotBeWritten() throws Exception {
    FullDiskChannel[] channel = new FullDiskChannel[1];
    FileAuditSink sink = new FileAuditSink(live(), NO_ROTATION, Optional.empty(), file -> {
      channel[0] = new FullDiskChannel(FileAuditSink.FILES.open(file));
      return channel[0];
    });
    AuditConfig failOpen = new AuditConfig(AuditConfig.Sink.FILE, Optional.of(live()), false,
        AuditConfig.Durability.FSYNC, NO_ROTATION, Optional.empty(),
        AuditConfig.Informational.RECORD, 1.0, List.of());
    AuditWriter w = open(failOpen, sink);
    channel[0].full(true);

    await(w.append(AuditEvents.issued("unrecorded", "r", DENY, clock.instant())));
  }

  @Test
  void informational_skip_dropsSuccessfulWhoAmI_butKeepsEveryIssuance() throws Exception {
    AuditConfig skip = new AuditConfig(AuditConfig.Sink.FILE, Optional.of(live()), true,
        AuditConfig.Durability.OS_BUFFERED, NO_ROTATION, Optional.empty(),
        AuditConfig.Informational.SKIP, 1.0, List.of());
    AuditWriter w = open(skip, new FileAuditSink(live(), NO_ROTATION, Optional.empty(),
        FileAuditSink.FILES));
    await(w.append(AuditEvents.whoAmI(clock.instant())));
    await(w.append(AuditEvents.issued("alice", "r", ALLOW, clock.instant())));
    await(w.append(AuditEvents.issued("bob", "r", DENY, clock.instant())));
    close(w);

    List<String> lines = Files.readAllLines(live());
    assertEquals(3, lines.size(), "two decisions and the shutdown checkpoint");
    assertFalse(lines.get(0).contains("WhoAmI"));
  }
}
