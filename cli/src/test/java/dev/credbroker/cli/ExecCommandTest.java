package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.server.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** exec in process: the child's environment and exit code. */
class ExecCommandTest {
  private final MutableClock clock = MutableClock.startingNow();
  @RegisterExtension final FakeBroker broker = FakeBroker.perTest(clock);
  @TempDir Path dir;

  private CliRun exec(Map<String, String> env, String... command) {
    String[] args = new String[7 + command.length];
    System.arraycopy(new String[] {"exec", "--role", "deployer", "--target", broker.target(), "--plaintext", "--"},
        0, args, 0, 7);
    System.arraycopy(command, 0, args, 7, command.length);
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("CREDBROKER_TOKEN", "a.b.c");
    all.put("PATH", System.getenv("PATH"));
    return CliRun.run(all, clock, args);
  }

  @Test
  void child_getsTheCredentialsAndItsExitCodeIsPassedOn() throws Exception {
    Path seen = dir.resolve("env");
    CliRun r = exec(Map.of("KEEP", "kept", "CREDBROKER_CLIENT_SECRET", "s3cret"), "sh", "-c",
        "echo \"$AWS_ACCESS_KEY_ID $AWS_SESSION_TOKEN $AWS_REGION $AWS_DEFAULT_REGION"
            + " $AWS_CREDENTIAL_EXPIRATION $KEEP ${CREDBROKER_TOKEN:-no-token} ${CREDBROKER_CLIENT_SECRET:-none}\" > "
            + seen + "; exit 7");

    assertEquals(7, r.exit(), r.toString());
    String[] values = Files.readString(seen).strip().split(" ");
    assertEquals("ASIAFAKE000000000001", values[0]);
    assertTrue(values[1].startsWith("fake-session-token-1-"));
    assertEquals("eu-west-1", values[2]);
    assertEquals("eu-west-1", values[3]);
    assertTrue(values[4].endsWith("Z"));
    assertEquals("kept", values[5]);
    assertEquals("no-token", values[6], "the broker token stays with credbroker");
    assertEquals("none", values[7]);
  }

  @Test
  void regionAlreadyChosen_isKept() throws Exception {
    Path seen = dir.resolve("env");
    exec(Map.of("AWS_REGION", "ap-south-1"), "sh", "-c", "echo \"$AWS_REGION $AWS_DEFAULT_REGION\" > " + seen);
    assertEquals("ap-south-1 ap-south-1", Files.readString(seen).strip());
  }

  @Test
  void missingCommand_is127_andNoCommand_isUsage() {
    CliRun missing = exec(Map.of(), "/no/such/command");
    assertEquals(127, missing.exit());
    assertEquals("credbroker: cannot run '/no/such/command': command not found\n", missing.err());
    CliRun none = CliRun.run(Map.of("CREDBROKER_TOKEN", "a.b.c"), clock, "exec", "--role", "r", "--");
    assertEquals(2, none.exit());
  }
}
