package dev.credbroker.bench;

import dev.credbroker.server.testing.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real broker jar as a child process, so the CPU time and memory the suite reports are the
 * broker's alone: CPU from {@code /proc/<pid>/stat}, peak RSS from {@code /proc/<pid>/status},
 * heap from {@code jcmd}. Start-up time is from spawning the JVM to the "listening" log line,
 * which the broker writes right after its health service turns SERVING.
 */
final class BrokerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");
  private static final long NANOS_PER_TICK = 1_000_000_000L / clockTicksPerSecond();

  private final ProcessRunner process;
  private final int port;
  private final Duration startup;

  private BrokerProcess(ProcessRunner process, int port, Duration startup) {
    this.process = process;
    this.port = port;
    this.startup = startup;
  }

  /**
   * Starts {@code jar} with {@code config}; {@code env} carries the broker's own AWS credentials.
   * Fails with the broker's output if it exits or does not listen in time.
   */
  static BrokerProcess start(Path jar, Path config, List<String> jvmArgs, Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ProcessRunner.javaBin()));
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", jar.toString(), "--config", config.toString()));
    long spawned = System.nanoTime();
    ProcessRunner process = ProcessRunner.start(command, env);
    try {
      Matcher listening = process.awaitLine(LISTENING.pattern(), START_TIMEOUT);
      Duration startup = Duration.ofNanos(System.nanoTime() - spawned);
      return new BrokerProcess(process, Integer.parseInt(listening.group(1)), startup);
    } catch (AssertionError e) {
      process.close();
      throw new IOException("the broker did not start: " + e.getMessage());
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  Duration startup() {
    return startup;
  }

  String output() {
    return process.output();
  }

  /** User plus system CPU time the broker has used so far. */
  Duration cpuTime() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
    return Duration.ofNanos(ticks * NANOS_PER_TICK);
  }

  /** The largest resident set size so far (VmHWM), in bytes. */
  long peakRssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmHWM in /proc/" + pid() + "/status");
  }

  /** Heap in use right after a full collection (the live set), and the heap's current size. */
  Heap heapAfterFullGc() throws IOException, InterruptedException {
    jcmd("GC.run");
    Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
    if (!m.find()) {
      throw new IOException("unexpected GC.heap_info output");
    }
    return new Heap(Long.parseLong(m.group(2)) * 1024, Long.parseLong(m.group(1)) * 1024);
  }

  record Heap(long usedBytes, long committedBytes) {}

  /** Runs a jcmd diagnostic command against the broker and returns its output. */
  String jcmd(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid())));
    command.addAll(List.of(args));
    try (ProcessRunner jcmd = ProcessRunner.start(command)) {
      int code = jcmd.awaitExit(Duration.ofSeconds(60));
      if (code != 0) {
        throw new IOException("jcmd " + String.join(" ", args) + " failed: " + jcmd.output());
      }
      return jcmd.output();
    }
  }

  /** SIGTERM, then waits for the broker's graceful stop. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      process.terminate();
      process.awaitExit(Duration.ofSeconds(30));
    } finally {
      process.close();
    }
  }

  private static long clockTicksPerSecond() {
    try (ProcessRunner getconf = ProcessRunner.start(List.of("getconf", "CLK_TCK"))) {
      getconf.awaitExit(Duration.ofSeconds(10));
      return Long.parseLong(getconf.output().strip());
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      return 100; // Linux's USER_HZ on every common architecture
    }
  }
}
