package dev.credbroker.server.audit;

import static dev.credbroker.server.audit.AuditEvent.Decision.ALLOW;
import static dev.credbroker.server.audit.AuditEvent.Decision.DENY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.server.config.AuditConfig;
import dev.credbroker.server.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of tampering is detected, and the report names the first bad record. */
class AuditVerifierTest {
  @TempDir Path dir;
  private Path live;
  private List<Path> segments;

  /** Ten decisions over three files: two sealed segments of four and the live file. */
  @BeforeEach
  void writeLog() throws Exception {
    live = dir.resolve("audit.jsonl");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
    AuditWriter w = AuditWriter.start(new FileAuditSink(live, Long.MAX_VALUE,
        Optional.of(Duration.ofHours(1)), FileAuditSink.FILES), AuditConfig.toFile(live), clock);
    for (int i = 1; i <= 10; i++) {
      if (i == 4 || i == 7) {
        clock.advance(Duration.ofHours(1));
      }
      w.append(AuditEvents.issued("user" + i, "role" + i, i % 3 == 0 ? DENY : ALLOW,
          clock.instant())).get(30, TimeUnit.SECONDS);
    }
    w.close();
    segments = AuditFiles.segments(live);
    assertEquals(3, segments.size());
  }

  private AuditVerifier.Problem problem() throws Exception {
    AuditVerifier.Report report = AuditVerifier.verify(segments);
    assertTrue(report.problem().isPresent(), "tampering went unnoticed");
    return report.problem().get();
  }

  private List<String> lines(Path file) throws Exception {
    return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  private void write(Path file, List<String> lines) throws Exception {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  @Test
  void intactLog_verifies() throws Exception {
    AuditVerifier.Report report = AuditVerifier.verify(List.of(segments.get(2), segments.get(0),
        segments.get(1)));

    assertTrue(report.ok(), report.toString());
    assertEquals(12, report.verified(), "ten decisions and two segment ends");
    assertEquals(List.of(), report.notes());
  }

  @Test
  void editedRecord_isNamed() throws Exception {
    Path file = segments.get(1);
    List<String> lines = lines(file);
    lines.set(1, lines.get(1).replace("user6", "userX"));
    write(file, lines);

    AuditVerifier.Problem p = problem();
    assertEquals(file, p.file());
    assertEquals(2, p.line());
    assertEquals(7, p.seq());
    assertTrue(p.what().contains("edited"), p.what());
  }

  @Test
  void editedAndRehashedRecord_breaksTheNextRecordsLink() throws Exception {
    Path file = segments.get(1);
    List<String> lines = lines(file);
    String edited = lines.get(1).replace("user6", "userX");
    RecordBuffer sealed = new RecordBuffer(1024);
    sealed.write(edited.substring(0, edited.indexOf(",\"hash\":"))
        .getBytes(StandardCharsets.UTF_8));
    AuditChain.seal(sealed, 0);
    lines.set(1, new String(sealed.view().array(), 0, sealed.size(), StandardCharsets.UTF_8).strip());
    write(file, lines);

    AuditVerifier.Problem p = problem();
    assertEquals(3, p.line());
    assertEquals(8, p.seq());
    assertTrue(p.what().contains("prev hash differs"), p.what());
  }

  @Test
  void deletedRecord_isNamed() throws Exception {
    Path file = segments.get(0);
    List<String> lines = lines(file);
    lines.remove(1);
    write(file, lines);

    AuditVerifier.Problem p = problem();
    assertEquals(2, p.line());
    assertTrue(p.what().contains("expected seq 2") && p.what().contains("missing"), p.what());
  }

  @Test
  void insertedCopy_isNamed() throws Exception {
    Path file = segments.get(0);
    List<String> lines = lines(file);
    lines.add(2, lines.get(1));
    write(file, lines);

    AuditVerifier.Problem p = problem();
    assertEquals(3, p.line());
    assertTrue(p.what().contains("inserted"), p.what());
  }

  @Test
  void reorderedRecords_areNamed() throws Exception {
    Path file = segments.get(2);
    List<String> lines = lines(file);
    String second = lines.get(1);
    lines.set(1, lines.get(2));
    lines.set(2, second);
    write(file, lines);

    AuditVerifier.Problem p = problem();
    assertEquals(file, p.file());
    assertEquals(2, p.line());
  }

  @Test
  void cutMidRecord_isReportedAsIncomplete() throws Exception {
    byte[] bytes = Files.readAllBytes(live);
    Files.write(live, java.util.Arrays.copyOf(bytes, bytes.length - 40));

    AuditVerifier.Report report = AuditVerifier.verify(segments);
    AuditVerifier.Problem p = report.problem().orElseThrow();
    assertEquals(3, p.line());
    assertTrue(p.what().contains("incomplete"), p.what());
    assertEquals(11, report.verified(), "everything before the cut still verifies");
  }

  @Test
  void rotatedSegmentCutByWholeRecords_isDetected() throws Exception {
    Path file = segments.get(0);
    List<String> lines = lines(file);
    write(file, lines.subList(0, lines.size() - 2));

    AuditVerifier.Problem p = problem();
    assertEquals(file, p.file());
    assertTrue(p.what().contains("segment_end"), p.what());
  }

  @Test
  void missingMiddleSegment_isDetected() throws Exception {
    AuditVerifier.Report report = AuditVerifier.verify(List.of(segments.get(0), segments.get(2)));

    AuditVerifier.Problem p = report.problem().orElseThrow();
    assertEquals(segments.get(2), p.file());
    assertTrue(p.what().contains("missing"), p.what());
  }

  @Test
  void laterSegmentsAlone_verifyWithANote() throws Exception {
    AuditVerifier.Report report = AuditVerifier.verify(List.of(segments.get(1), segments.get(2)));

    assertTrue(report.ok(), report.toString());
    assertEquals(6, report.firstSeq());
    assertTrue(report.notes().get(0).contains("starts at seq 6"), report.notes().toString());
  }
}
