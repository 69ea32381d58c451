package dev.credbroker.server.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action whenever a file changes, by looking at it every {@code interval}: its identity
 * (inode), size and modification time, through symlinks. That sees edits in place, editors' atomic
 * renames and Kubernetes ConfigMap updates (a swapped {@code ..data} symlink gives the file a new
 * inode). It polls rather than using inotify because inotify reports a folder: an audit log written
 * beside the config woke the watcher on every record, which the performance suite measured at about
 * 20 µs of CPU per request.
 */
public final class FileWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileWatch.class);

  private final List<Path> files;
  private final Runnable onChange;
  private final ScheduledExecutorService timer;
  private List<Optional<Stamp>> last; // timer thread only

  /** What identifies a version of the file; a change in any part is a change of the file. */
  record Stamp(Object fileKey, long size, FileTime modified) {
    static Optional<Stamp> of(Path file) throws IOException {
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return Optional.of(new Stamp(a.fileKey(), a.size(), a.lastModifiedTime()));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    }
  }

  private FileWatch(List<Path> files, Runnable onChange, List<Optional<Stamp>> initial,
      String thread) {
    this.files = files;
    this.onChange = onChange;
    this.last = initial;
    this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(thread));
  }

  /** Watches {@code file}, taking its current state as seen; only later changes run the action. */
  public static FileWatch start(Path file, Duration interval, Runnable onChange)
      throws IOException {
    return start(List.of(file), interval, onChange, "credbroker-config-watch");
  }

  /**
   * Watches {@code files} together (a certificate, its key and a CA): one action per look that
   * finds any of them changed, so a Kubernetes {@code ..data} swap of all three runs it once.
   */
  public static FileWatch start(List<Path> files, Duration interval, Runnable onChange,
      String thread) throws IOException {
    Objects.requireNonNull(onChange, "onChange");
    FileWatch watch = new FileWatch(List.copyOf(files), onChange, stamps(files), thread);
    long millis = Math.max(1, interval.toMillis());
    watch.timer.scheduleWithFixedDelay(watch::check, millis, millis, TimeUnit.MILLISECONDS);
    return watch;
  }

  /** One look at the file; package-private so tests can look without waiting for the timer. */
  void check() {
    List<Optional<Stamp>> now;
    try {
      now = stamps(files);
    } catch (IOException | RuntimeException e) {
      log.debug("cannot look at {}: {}", files, e.toString());
      return;
    }
    if (now.equals(last)) {
      return;
    }
    last = now;
    for (int i = 0; i < files.size(); i++) {
      if (now.get(i).isEmpty()) {
        log.warn("{} {} is gone; what was read from it stays in use", files.size() == 1
            ? "config file" : "watched file", files.get(i));
        return;
      }
    }
    try {
      onChange.run();
    } catch (RuntimeException e) {
      log.error("acting on a change of {} failed: {}", files, e.toString());
    }
  }

  private static List<Optional<Stamp>> stamps(List<Path> files) throws IOException {
    List<Optional<Stamp>> out = new ArrayList<>();
    for (Path f : files) {
      out.add(Stamp.of(f));
    }
    return out;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
