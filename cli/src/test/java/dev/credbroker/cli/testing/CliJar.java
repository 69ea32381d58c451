package dev.credbroker.cli.testing;

import dev.credbroker.server.testing.ProcessRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The shipped CLI jar ({@code java -jar credbroker.jar ...}) run to completion, as a user runs it. */
public final class CliJar {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private CliJar() {}

  /** Runs the jar with {@code args} in the controlled environment of {@link Commands}. */
  public static Commands.Result run(Map<String, String> env, String... args) throws Exception {
    return run(List.of(), env, args);
  }

  /** As above, with {@code jvmOptions} before {@code -jar}. */
  public static Commands.Result run(List<String> jvmOptions, Map<String, String> env, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ProcessRunner.javaBin()));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", System.getProperty("credbroker.cliJar")));
    cmd.addAll(List.of(args));
    return Commands.run(cmd, env, WAIT);
  }
}
