package dev.credbroker.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process whose output is collected line by line, so tests wait for what the process says
 * (a "listening on" line) instead of sleeping.
 */
public final class ProcessRunner implements AutoCloseable {
  private static final String EOF = "\u0000EOF";

  private final Process process;
  private final Thread reader;
  private final LinkedBlockingQueue<String> pending = new LinkedBlockingQueue<>();
  private final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());

  private ProcessRunner(Process process) {
    this.process = process;
    this.reader = pump(process.getInputStream());
  }

  /** Starts {@code command}; stderr is merged into stdout. */
  public static ProcessRunner start(List<String> command) throws IOException {
    return start(command, java.util.Map.of());
  }

  /** Starts {@code command} with extra environment variables; stderr merged into stdout. */
  public static ProcessRunner start(List<String> command, java.util.Map<String, String> env)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    return new ProcessRunner(builder.start());
  }

  /** A java command running {@code mainClass} on this test's own class path. */
  public static List<String> javaCommand(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        javaBin(), "-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Waits for a line matching {@code regex} and returns its match; fails on exit or timeout. */
  public Matcher awaitLine(String regex, Duration timeout) throws InterruptedException {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : pending.poll(left, TimeUnit.NANOSECONDS);
      if (line == null || EOF.equals(line)) {
        throw new AssertionError("no line matching /" + regex + "/ "
            + (line == null ? "within " + timeout : "before the process ended") + "; output:\n"
            + output());
      }
      Matcher m = p.matcher(line);
      if (m.find()) {
        return m;
      }
    }
  }

  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("process still running after " + timeout + "; output:\n" + output());
    }
    reader.join(timeout.toMillis());
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  /** Sends SIGTERM (Process.destroy would also close our end of its output). */
  public void terminate() throws IOException, InterruptedException {
    int code = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
    if (code != 0) {
      throw new AssertionError("kill -TERM failed with " + code);
    }
  }

  public String output() {
    synchronized (all) {
      return String.join("\n", all);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private Thread pump(InputStream in) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          all.add(line);
          pending.add(line);
        }
      } catch (IOException e) {
        all.add("(output unreadable: " + e + ")");
      } finally {
        pending.add(EOF);
      }
    }, "process-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The java executable running this test. */
  public static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
