package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.audit.StatusCode;
import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.server.audit.AuditWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code credbroker audit verify | search} over a log the broker's own writer produced. */
class AuditCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  @TempDir Path dir;
  private Path log;

  @BeforeEach
  void writeLog() throws Exception {
    log = dir.resolve("audit.jsonl");
    Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), java.time.ZoneOffset.UTC);
    try (AuditWriter w = AuditWriter.open(AuditConfig.toFile(log), clock)) {
      w.append(event("alice", "deployer", AuditEvent.Decision.ALLOW)).get(30, TimeUnit.SECONDS);
      w.append(event("mallory", "deployer", AuditEvent.Decision.DENY)).get(30, TimeUnit.SECONDS);
      w.append(event("bob", "admin", AuditEvent.Decision.ALLOW)).get(30, TimeUnit.SECONDS);
    }
  }

  private static AuditEvent event(String subject, String role, AuditEvent.Decision decision) {
    return new AuditEvent(Instant.parse("2026-11-24T10:00:00Z"), "req-" + subject,
        Rpc.GET_AWS_CREDENTIALS, Optional.of(new AuditEvent.Caller("https://idp", subject, "", Map.of())),
        "127.0.0.1:1", "", Optional.of(role), Optional.empty(), decision, List.of("r1"),
        decision + " " + role, decision == AuditEvent.Decision.ALLOW ? StatusCode.OK
            : StatusCode.PERMISSION_DENIED,
        Optional.empty(), Optional.empty(), AuditEvent.Cache.NOT_APPLICABLE, "", Duration.ZERO);
  }

  @Test
  void verify_intactLog_exitsZero() {
    assertEquals(0, run("audit", "verify", log.toString()));
    assertTrue(text().strip().endsWith("OK: 4 records verified (seq 1 to 4) in 1 files; 0 records"
        + " unsealed (after the last checkpoint)"), text());
    assertTrue(text().startsWith("note: checkpoint signatures not checked"), text());
  }

  @Test
  void verify_withThePublicKeyAndTheHead_checksTheSignatures() throws Exception {
    List<String> lines = Files.readAllLines(log);
    String last = lines.get(lines.size() - 1);
    String head = "4:" + last.substring(last.indexOf("\"hash\":\"") + 8, last.length() - 2);
    assertEquals(0, run("audit", "verify", "--public-key", pub(), "--expect-head", head,
        log.toString()));
    assertEquals("OK: 4 records verified (seq 1 to 4) in 1 files; 1 checkpoint signatures"
        + " verified; 0 records unsealed (after the last checkpoint)", text().strip());

    Files.writeString(log, String.join("\n", lines.subList(0, 2)) + "\n");
    assertEquals(1, run("audit", "verify", "--public-key", pub(), "--expect-head", head,
        log.toString()));
    assertTrue(text().startsWith("BROKEN at ") && text().contains("the log was cut"), text());
  }

  @Test
  void verify_badKeyOrHead_exitsTwo() throws Exception {
    assertEquals(2, run("audit", "verify", "--public-key", log.toString(), log.toString()));
    assertEquals(2, run("audit", "verify", "--expect-head", "x:y", log.toString()));
    assertEquals(2, run("audit", "verify", "--public-key"));
    assertEquals(2, run("audit", "verify", "--frobnicate", log.toString()));
  }

  private String pub() {
    return dir.resolve("audit-signing.key.pub").toString();
  }

  @Test
  void verify_editedRecord_exitsOneNamingIt() throws Exception {
    Files.writeString(log, Files.readString(log).replace("mallory", "mallorz"));

    assertEquals(1, run("audit", "verify", "--public-key", pub(), log.toString()));
    assertTrue(text().startsWith("BROKEN at " + log + ":2 (seq 2): the record's hash does not"
        + " match its contents"), text());
    assertTrue(text().contains("1 records verified before it"), text());
  }

  @Test
  void search_byDecision_printsTheMatchingRecordsAsTheyWereWritten() throws Exception {
    assertEquals(0, run("audit", "search", "--file", log.toString(), "--decision", "deny",
        "--format", "jsonl"));

    List<String> lines = text().lines().toList();
    assertEquals(1, lines.size());
    assertEquals(Files.readAllLines(log).get(1), lines.get(0));
  }

  @Test
  void search_table_showsOneRowPerRecord() {
    assertEquals(0, run("audit", "search", "--file", log.toString(), "--role", "deployer"));

    List<String> lines = text().lines().toList();
    assertEquals(3, lines.size(), text());
    assertTrue(lines.get(0).startsWith("TIME"), text());
    assertTrue(lines.get(1).contains("deny") && lines.get(1).contains("mallory"), "newest first: "
        + text());
  }

  @Test
  void search_json_printsOneArray_andFiltersByEveryField() throws Exception {
    assertEquals(0, run("audit", "search", "--file", log.toString(), "--format", "json",
        "--request-id", "req-bob"));
    List<Object> array = com.nimbusds.jose.util.JSONArrayUtils.parse(text());
    assertEquals(1, array.size(), text());
    assertEquals(0, run("audit", "search", "--file", log.toString(), "--format", "json",
        "--client-id", "nobody"));
    assertEquals("[]", text().strip());
    assertEquals(2, run("audit", "search", "--file", log.toString(), "--broker-id", "b1"),
        "broker ids are the store's");
  }

  @Test
  void search_badFlags_exitTwo() {
    assertEquals(2, run("audit", "search", "--file", log.toString(), "--decision", "maybe"));
    assertEquals(2, run("audit", "search", "--file", log.toString(), "--since", "yesterday"));
    assertEquals(2, run("audit", "search", "--file", log.toString(), "--limit", "0"));
    assertEquals(2, run("audit", "verify"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, CredbrokerCli.run(new String[] {"audit", "search", "--timeout", "soon",
        "--target", "127.0.0.1:1", "--plaintext"}, Map.of("CREDBROKER_TOKEN", "a.b.c"),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--timeout must be a number of"
        + " seconds"), err.toString(StandardCharsets.UTF_8));
  }

  private int run(String... args) {
    out.reset();
    return CredbrokerCli.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private String text() {
    return out.toString(StandardCharsets.UTF_8);
  }
}
