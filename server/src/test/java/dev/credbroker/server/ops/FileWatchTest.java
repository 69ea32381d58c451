package dev.credbroker.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Most cases look at the file by hand ({@link FileWatch#check}) with the timer set far off, so
 * each look happens exactly where the test says; one case lets the timer do it.
 */
class FileWatchTest {
  private static final Duration NEVER = Duration.ofDays(1);

  @TempDir Path dir;
  private final AtomicInteger runs = new AtomicInteger();

  private FileWatch watch(Path file) throws Exception {
    return FileWatch.start(file, NEVER, runs::incrementAndGet);
  }

  @Test
  void theTimerLooks_andAnEditRunsTheActionOnce() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), "a: 1\n");
    Semaphore ran = new Semaphore(0);
    try (FileWatch w = FileWatch.start(config, Duration.ofMillis(10), ran::release)) {
      Files.writeString(config, "a: 22\n");
      assertTrue(ran.tryAcquire(30, TimeUnit.SECONDS), "the timer never saw the edit");
      assertEquals(0, ran.availablePermits());
    }
  }

  @Test
  void writesToOtherFilesInTheFolder_neverTrigger() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), "a: 1\n");
    Path neighbour = Files.writeString(dir.resolve("audit.jsonl"), "");
    try (FileWatch w = watch(config)) {
      for (int i = 0; i < 50; i++) {
        Files.writeString(neighbour, "{\"seq\":" + i + "}\n", StandardOpenOption.APPEND);
        w.check();
      }
      assertEquals(0, runs.get(), "an audit-like neighbour or the start itself triggered a reload");
      Files.writeString(config, "a: 2\n");
      w.check();
      w.check();
      assertEquals(1, runs.get(), "one edit is one reload");
    }
  }

  @Test
  void sameSizeEdit_andAtomicRename_areSeen() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), "a: 1\n");
    Files.setLastModifiedTime(config, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    try (FileWatch w = watch(config)) {
      Files.writeString(config, "a: 2\n"); // same size: the modification time tells
      w.check();
      assertEquals(1, runs.get(), "a same-size edit was missed");
      Path next = Files.writeString(dir.resolve("config.yaml.tmp"), "a: 3\n");
      Files.setLastModifiedTime(next, Files.getLastModifiedTime(config));
      Files.move(next, config, StandardCopyOption.ATOMIC_MOVE); // same size and time: a new inode
      w.check();
      assertEquals(2, runs.get(), "an editor's atomic rename was missed");
    }
  }

  @Test
  void configMapSymlinkSwap_isSeen() throws Exception {
    // The kubelet's layout: config.yaml -> ..data/config.yaml, ..data -> ..<timestamp>
    Path v1 = Files.createDirectory(dir.resolve("..2026_11_24_1"));
    Files.writeString(v1.resolve("config.yaml"), "a: 1\n");
    Path v2 = Files.createDirectory(dir.resolve("..2026_11_24_2"));
    Files.writeString(v2.resolve("config.yaml"), "a: 2\n");
    Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    Path config = Files.createSymbolicLink(dir.resolve("config.yaml"), Path.of("..data/config.yaml"));
    try (FileWatch w = watch(config)) {
      w.check();
      assertEquals(0, runs.get());
      Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
      Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      w.check();
      assertEquals(1, runs.get(), "a ConfigMap update was missed");
    }
  }

  @Test
  void secretVolumeSwapOfCertificateAndKey_runsTheActionOnce() throws Exception {
    // A Kubernetes Secret volume (cert-manager): tls.crt and tls.key both behind one ..data swap.
    Path v1 = Files.createDirectory(dir.resolve("..2026_11_30_1"));
    Path v2 = Files.createDirectory(dir.resolve("..2026_11_30_2"));
    for (Path v : List.of(v1, v2)) {
      Files.writeString(v.resolve("tls.crt"), "cert of " + v.getFileName() + "\n");
      Files.writeString(v.resolve("tls.key"), "key of " + v.getFileName() + "\n");
    }
    Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    Path cert = Files.createSymbolicLink(dir.resolve("tls.crt"), Path.of("..data/tls.crt"));
    Path key = Files.createSymbolicLink(dir.resolve("tls.key"), Path.of("..data/tls.key"));
    try (FileWatch w = FileWatch.start(List.of(cert, key), NEVER, runs::incrementAndGet,
        "test-tls-watch")) {
      w.check();
      assertEquals(0, runs.get());
      Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
      Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      w.check();
      w.check();
      assertEquals(1, runs.get(), "one swap of both files, one action");
      Files.writeString(v2.resolve("tls.key"), "a key rewritten in place, after the certificate\n");
      w.check();
      assertEquals(2, runs.get(), "a change of either file runs the action");
    }
  }

  @Test
  void aDeletedFile_triggersNothing_untilItComesBack() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), "a: 1\n");
    try (FileWatch w = watch(config)) {
      Files.delete(config);
      w.check();
      w.check();
      assertEquals(0, runs.get(), "a missing config file must not trigger a reload");
      Files.writeString(config, "a: 2\n");
      w.check();
      assertEquals(1, runs.get(), "the file's return was missed");
    }
  }

  @Test
  void aFailingAction_doesNotStopTheWatch() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), "a: 1\n");
    try (FileWatch w = FileWatch.start(config, NEVER, () -> {
      runs.incrementAndGet();
      throw new IllegalStateException("reload failed");
    })) {
      Files.writeString(config, "a: 22\n");
      w.check();
      Files.writeString(config, "a: 333\n");
      w.check();
      assertEquals(2, runs.get());
    }
  }
}
