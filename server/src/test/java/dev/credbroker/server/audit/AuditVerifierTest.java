package dev.credbroker.server.audit;

import static dev.credbroker.core.audit.AuditEvent.Decision.ALLOW;
import static dev.credbroker.core.audit.AuditEvent.Decision.DENY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditChain;
import dev.credbroker.core.audit.AuditFiles;
import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.audit.AuditVerifier;
import dev.credbroker.core.config.AuditConfig;
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

  /**
   * Ten decisions over three files. Each rotation adds a checkpoint and a segment_end to the old
   * file and a segment_start to the new one; the shutdown adds a checkpoint:
   * [1-4 user1-4, 5 checkpoint, 6 segment_end], [7 segment_start, 8-10 user5-7, 11 checkpoint,
   * 12 segment_end], live [13 segment_start, 14-16 user8-10, 17 checkpoint].
   */
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

  private AuditVerifier.Options withKey() throws Exception {
    return new AuditVerifier.Options(Optional.of(AuditSigner.readPublicKey(
        dir.resolve("audit-signing.key.pub"))), Optional.empty());
  }

  private AuditVerifier.Problem problem() throws Exception {
    AuditVerifier.Report report = AuditVerifier.verify(segments, withKey());
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
        segments.get(1)), withKey());

    assertTrue(report.ok(), report.toString());
    assertEquals(17, report.verified());
    assertEquals(10, report.decisions());
    assertEquals(3, report.checkpoints(), "two rotations and the shutdown");
    assertEquals(0, report.unsealed());
    assertEquals(List.of(), report.notes());
  }

  @Test
  void editedRecord_isNamed() throws Exception {
    Path file = segments.get(1);
    List<String> lines = lines(file);
    lines.set(2, lines.get(2).replace("user6", "userX"));
    write(file, lines);

    AuditVerifier.Problem p = problem();
    assertEquals(file, p.file());
    assertEquals(3, p.line());
    assertEquals(9, p.seq());
    assertTrue(p.what().contains("edited"), p.what());
  }

  @Test
  void editedAndRehashedRecord_breaksTheNextRecordsLink() throws Exception {
    Path file = segments.get(1);
    List<String> lines = lines(file);
    lines.set(2, Forgery.reseal(lines.get(2).replace("user6", "userX")));
    write(file, lines);

    AuditVerifier.Problem p = problem();
    assertEquals(4, p.line());
    assertEquals(10, p.seq());
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
    assertEquals(5, p.line());
    assertTrue(p.what().contains("incomplete"), p.what());
    assertEquals(16, report.verified(), "everything before the cut still verifies");
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
    assertEquals(7, report.firstSeq());
    assertTrue(report.notes().get(0).contains("segment_start at seq 7"), report.notes().toString());
  }

  @Test
  void emptiedLog_isBroken() throws Exception {
    for (Path f : segments) {
      Files.write(f, new byte[0]);
    }
    assertTrue(problem().what().contains("no records"), problem().what());
    assertTrue(AuditVerifier.verify(List.of(live)).problem().orElseThrow().what()
        .contains("no records"));
  }

  @Test
  void deletedFirstRecord_isBroken() throws Exception {
    Path file = segments.get(0);
    List<String> lines = lines(file);
    lines.remove(0);
    write(file, lines);

    AuditVerifier.Problem p = problem();
    assertEquals(1, p.line());
    assertTrue(p.what().contains("starts at seq 2 without a segment_start"), p.what());
  }

  @Test
  void deletedLastRecord_isNamedByTheExpectedHead() throws Exception {
    List<String> lines = lines(live);
    AuditVerifier.Head head = new AuditVerifier.Head(17,
        AuditChain.check((lines.get(4) + "").getBytes(StandardCharsets.UTF_8)).orElseThrow());
    write(live, lines.subList(0, 3)); // user10 and the shutdown checkpoint cut off
    var options = new AuditVerifier.Options(withKey().publicKey(), Optional.of(head));

    AuditVerifier.Report cut = AuditVerifier.verify(segments, options);
    assertTrue(cut.problem().orElseThrow().what().contains("expected head seq 17 is not in"),
        cut.toString());
    AuditVerifier.Report unanchored = AuditVerifier.verify(segments, withKey());
    assertTrue(unanchored.ok(), "a cut after a checkpoint looks like a crash without the head");
    assertEquals(4, unanchored.unsealed(), "segment_end, segment_start, user8 and user9");
  }

  @Test
  void expectedHeadWithAnotherHash_isBroken() throws Exception {
    var options = new AuditVerifier.Options(withKey().publicKey(),
        Optional.of(new AuditVerifier.Head(17, "0".repeat(64))));
    assertTrue(AuditVerifier.verify(segments, options).problem().orElseThrow().what()
        .contains("differs from the expected head"));
  }

  @Test
  void reChainedForgery_passesTheChain_butNotTheCheckpointSignature() throws Exception {
    Path file = segments.get(1);
    List<String> lines = lines(file);
    lines.set(2, lines.get(2).replace("user6", "userX"));
    write(file, lines);
    Forgery.rechain(segments, file, 2);

    assertTrue(AuditVerifier.verify(segments).ok(), "without the key the forgery is consistent");
    AuditVerifier.Problem p = problem();
    assertEquals(file, p.file());
    assertEquals(11, p.seq(), "the first checkpoint after the edit");
    assertTrue(p.what().contains("signature does not verify"), p.what());
  }

  @Test
  void anotherKey_isNamed() throws Exception {
    Path other = dir.resolve("other.key");
    AuditSigner.loadOrCreate(other);
    var options = new AuditVerifier.Options(Optional.of(AuditSigner.readPublicKey(
        AuditSigner.publicKeyFile(other))), Optional.empty());
    assertTrue(AuditVerifier.verify(segments, options).problem().orElseThrow().what()
        .contains("is signed by key"));
  }

  @Test
  void forgedTailLongerThanACheckpointInterval_isBroken() throws Exception {
    List<String> lines = lines(live);
    String template = lines.get(1);
    for (int i = 0; i < 3; i++) {
      lines.add(template.replaceFirst("\"time\":\"[^\"]+\"", "\"time\":\""
          + Instant.parse("2026-11-24T13:00:00Z").plus(Duration.ofMinutes(2 * i)) + "\""));
    }
    write(live, lines);
    Forgery.rechain(segments, live, 5);

    AuditVerifier.Problem p = problem();
    assertTrue(p.what().contains("a checkpoint is missing"), p.what());
  }
}
