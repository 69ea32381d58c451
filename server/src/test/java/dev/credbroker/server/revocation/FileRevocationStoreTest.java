package dev.credbroker.server.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.revocation.Revocation;
import dev.credbroker.core.revocation.RevocationTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single node's list: survives a restart, stays private, and never loads half a list. */
class FileRevocationStoreTest {
  static final Instant T = Instant.parse("2026-11-30T15:00:00Z");

  @TempDir Path dir;

  @Test
  void addRemoveAndReload_keepTheListExactly() throws IOException {
    FileRevocationStore store = new FileRevocationStore(dir.resolve("revocations.jsonl"));
    assertEquals(List.of(), store.load(), "no file yet: nothing revoked");
    store.add(revocation("r1", "alice"));
    store.add(revocation("r2", "bob"));
    assertThrows(IOException.class, () -> store.add(revocation("r1", "carol")));

    FileRevocationStore reopened = new FileRevocationStore(dir.resolve("revocations.jsonl"));
    assertEquals(List.of(revocation("r1", "alice"), revocation("r2", "bob")), reopened.load());
    assertTrue(reopened.remove("r1"));
    assertFalse(reopened.remove("r1"));
    assertEquals(List.of(revocation("r2", "bob")), store.load());
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("revocations.jsonl"))));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void anUnreadableLine_failsTheWholeLoad_andNamesTheLine() throws IOException {
    Path file = dir.resolve("revocations.jsonl");
    FileRevocationStore store = new FileRevocationStore(file);
    store.add(revocation("r1", "alice"));
    Files.writeString(file, "{\"id\":\"broken\"}\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    IOException e = assertThrows(IOException.class, store::load);
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertThrows(IOException.class, () -> store.remove("r1"), "a change never drops what it cannot read");
  }

  static Revocation revocation(String id, String subject) {
    return new Revocation(id, new RevocationTarget.Subject("https://idp", subject), List.of(),
        List.of(), T, false, "incident", "admin", T, Optional.of(T.plusSeconds(3600)));
  }
}
