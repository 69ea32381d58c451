package dev.credbroker.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWatchTest {
  @TempDir Path dir;

  @Test
  void otherFilesInTheFolder_doNotTrigger_theFileAndConfigMapLinksDo() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), "a: 1\n");
    Path neighbour = Files.writeString(dir.resolve("audit.jsonl"), "");
    AtomicInteger runs = new AtomicInteger();
    Semaphore ran = new Semaphore(0);
    try (FileWatch watch = FileWatch.start(config, () -> {
      runs.incrementAndGet();
      ran.release();
    })) {
      for (int i = 0; i < 50; i++) {
        Files.writeString(neighbour, "{\"seq\":" + i + "}\n", java.nio.file.StandardOpenOption.APPEND);
      }
      Files.writeString(config, "a: 2\n"); // the change that matters, after all the noise
      assertTrue(ran.tryAcquire(1, Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS),
          "no reload after the config changed");
      int afterConfig = runs.get();
      Files.createDirectory(dir.resolve("..data_tmp"));
      assertTrue(ran.tryAcquire(1, Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS),
          "no reload after a ConfigMap-style swap");
      assertTrue(afterConfig <= 2, "audit writes triggered reloads: " + afterConfig);
    }
  }

  @Test
  void concerns_matchesTheFileAndDotDotNamesOnly() throws Exception {
    Path config = dir.resolve("config.yaml");
    assertTrue(FileWatch.concerns(event(Path.of("config.yaml")), config));
    assertTrue(FileWatch.concerns(event(Path.of("..data")), config));
    assertEquals(false, FileWatch.concerns(event(Path.of("audit.jsonl")), config));
    assertTrue(FileWatch.concerns(event(null), config)); // overflow
  }

  private static java.nio.file.WatchEvent<Path> event(Path context) {
    return new java.nio.file.WatchEvent<>() {
      @Override
      public Kind<Path> kind() {
        return java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
      }

      @Override
      public int count() {
        return 1;
      }

      @Override
      public Path context() {
        return context;
      }
    };
  }
}
