package dev.credbroker.server.ops;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action whenever the file, or a Kubernetes ConfigMap's {@code ..data} link beside it,
 * changes. Watching the folder rather than the file also catches editors that write a new file and
 * rename it, and ConfigMap updates, which swap a symlink. Changes to other files in the folder are
 * ignored: an audit log written beside the config would otherwise reload it on every record (the
 * performance suite's profile found exactly that).
 */
public final class FileWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileWatch.class);

  private final WatchService watcher;
  private final Thread thread;

  private FileWatch(WatchService watcher, Thread thread) {
    this.watcher = watcher;
    this.thread = thread;
  }

  public static FileWatch start(Path file, Runnable onChange) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    WatchService watcher = dir.getFileSystem().newWatchService();
    dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
    Thread thread = new Thread(() -> {
      try {
        while (true) {
          WatchKey key = watcher.take();
          boolean relevant = key.pollEvents().stream().anyMatch(e -> concerns(e, file));
          key.reset();
          if (relevant) {
            onChange.run();
          }
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        log.error("watching {} stopped: {}", file, e.toString());
      }
    }, "credbroker-config-watch");
    thread.setDaemon(true);
    thread.start();
    return new FileWatch(watcher, thread);
  }

  /** The file itself, a {@code ..}-named ConfigMap entry, or lost events (overflow). */
  static boolean concerns(WatchEvent<?> event, Path file) {
    if (!(event.context() instanceof Path changed)) {
      return true; // OVERFLOW: events were lost, so the file may have changed
    }
    String name = changed.getFileName().toString();
    return name.equals(file.getFileName().toString()) || name.startsWith("..");
  }

  @Override
  public void close() throws IOException {
    watcher.close();
    thread.interrupt();
  }
}
