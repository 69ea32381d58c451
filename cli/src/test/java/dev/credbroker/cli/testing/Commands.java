package dev.credbroker.cli.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion with a controlled environment: the test's own, minus every AWS_*
 * and CREDBROKER_* variable (so a developer's settings cannot leak in), plus the given ones.
 */
public final class Commands {
  /** The exit code and everything the command printed (stderr merged into stdout). */
  public record Result(int exit, String output) {
    @Override
    public String toString() {
      return "exit " + exit + ", output:\n" + output;
    }
  }

  private Commands() {}

  public static Result run(List<String> command, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("credbroker-command", ".out");
    try {
      ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      b.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("CREDBROKER_"));
      b.environment().putAll(env);
      Process p = b.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " still running after " + timeout + ":\n" + Files.readString(output));
      }
      return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
