package dev.credbroker.server.audit;

import static dev.credbroker.core.audit.AuditEvent.Decision.ALLOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.AuditSigner;
import dev.credbroker.core.audit.AuditVerifier;
import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.server.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed checkpoints: when the writer seals the chain, and what it refuses to extend at start (a
 * tail nobody signed, a checkpoint of another key, a key others can read).
 */
class AuditCheckpointTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
  private final List<AuditWriter> open = new ArrayList<>();

  @AfterEach
  void close() {
    open.forEach(AuditWriter::close);
  }

  private Path live() {
    return dir.resolve("audit.jsonl");
  }

  private AuditWriter start() throws IOException {
    AuditWriter w = AuditWriter.start(new FileAuditSink(live(), Long.MAX_VALUE, Optional.empty(),
        FileAuditSink.FILES), AuditConfig.toFile(live()), clock);
    open.add(w);
    return w;
  }

  private void stop(AuditWriter w) {
    w.close();
    open.remove(w);
  }

  private void decide(AuditWriter w, String subject) throws Exception {
    w.append(AuditEvents.issued(subject, "r", ALLOW, clock.instant())).get(30, TimeUnit.SECONDS);
  }

  private List<String> types() throws IOException {
    return Files.readAllLines(live()).stream().map(l -> AuditEntry.parse(
        l.getBytes(StandardCharsets.UTF_8)).orElseThrow().field("type")).toList();
  }

  @Test
  void checkpoint_followsTheFirstBatchAfterTheInterval_andTheShutdown() throws Exception {
    AuditWriter w = start();
    decide(w, "a");
    clock.advance(Duration.ofSeconds(59));
    decide(w, "b");
    assertEquals(List.of("decision", "decision"), types(), "no checkpoint within the interval");
    clock.advance(Duration.ofSeconds(1));
    decide(w, "c");
    assertEquals(List.of("decision", "decision", "decision", "checkpoint"), types());
    stop(w);
    assertEquals("checkpoint", types().get(types().size() - 1));
    assertTrue(w.sealing().orElseThrow().contains("created now"), w.sealing().get());
  }

  @Test
  void restart_sealsTheTailOfARunThatDidNotStop() throws Exception {
    AuditWriter first = start();
    decide(first, "a");
    stop(first);
    List<String> afterFirst = Files.readAllLines(live());
    Files.writeString(live(), String.join("\n", afterFirst.subList(0, 1)) + "\n"); // killed
    AuditWriter second = start();
    assertEquals(List.of("decision", "checkpoint"), types(), "the killed run's tail, sealed");
    stop(second);
  }

  /** fsync's writer thread takes the restart's checkpoint request and goes on writing. */
  @Test
  void restart_withFsync_sealsTheTail_andKeepsWriting() throws Exception {
    AuditWriter first = start();
    decide(first, "a");
    stop(first);
    List<String> afterFirst = Files.readAllLines(live());
    Files.writeString(live(), afterFirst.get(0) + "\n"); // killed before its checkpoint
    AuditConfig fsync = new AuditConfig(AuditConfig.Sink.FILE, Optional.of(live()), true,
        AuditConfig.Durability.FSYNC, Long.MAX_VALUE, Optional.empty(),
        AuditConfig.Informational.RECORD, 1.0, List.of());
    AuditWriter second = AuditWriter.start(new FileAuditSink(live(), Long.MAX_VALUE,
        Optional.empty(), FileAuditSink.FILES), fsync, clock);
    open.add(second);
    decide(second, "b"); // hung when the writer thread took the request for a stop
    stop(second);
    AuditVerifier.Report report = AuditVerifier.verify(List.of(live()), new AuditVerifier.Options(
        Optional.of(AuditSigner.readPublicKey(dir.resolve("audit-signing.key.pub"))),
        Optional.empty()));
    assertTrue(report.ok(), report.toString());
    assertEquals(2, report.decisions());
    assertEquals(0, report.unsealed());
  }

  @Test
  void restart_withAnUnsignedTailLongerThanAnInterval_refusesToStart() throws Exception {
    AuditWriter first = start();
    decide(first, "a");
    stop(first);
    List<String> lines = new ArrayList<>(Files.readAllLines(live()));
    for (int i = 1; i <= 3; i++) {
      lines.add(lines.get(0).replaceFirst("\"time\":\"[^\"]+\"",
          "\"time\":\"" + clock.instant().plus(Duration.ofMinutes(2L * i)) + "\""));
    }
    Files.writeString(live(), String.join("\n", lines) + "\n");
    Forgery.rechain(List.of(live()), live(), 2);

    IOException e = assertThrows(IOException.class, this::start);
    assertTrue(e.getMessage().contains("a checkpoint is missing"), e.getMessage());
    assertTrue(e.getMessage().contains("move it aside"), e.getMessage());
  }

  @Test
  void restart_withACheckpointOfAnotherKey_refusesToStart() throws Exception {
    AuditWriter first = start();
    decide(first, "a");
    stop(first);
    Files.delete(dir.resolve("audit-signing.key")); // the next start makes a new key

    IOException e = assertThrows(IOException.class, this::start);
    assertTrue(e.getMessage().contains("is signed by key"), e.getMessage());
  }

  @Test
  void signingKey_readableByOthers_isRefused() throws Exception {
    stop(start());
    Path key = dir.resolve("audit-signing.key");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    IOException e = assertThrows(IOException.class, this::start);
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
  }

  @Test
  void signingKey_whosePublicHalfIsAnotherKeys_isRefused() throws Exception {
    stop(start());
    Path key = dir.resolve("audit-signing.key");
    Path other = dir.resolve("other.key");
    AuditSigner.loadOrCreate(other);
    String mine = Files.readString(key);
    String theirs = Files.readString(other);
    Files.writeString(key, mine.substring(0, mine.indexOf("-----BEGIN PUBLIC KEY"))
        + theirs.substring(theirs.indexOf("-----BEGIN PUBLIC KEY")));

    IOException e = assertThrows(IOException.class, this::start);
    assertTrue(e.getMessage().contains("do not belong together"), e.getMessage());
  }
}
