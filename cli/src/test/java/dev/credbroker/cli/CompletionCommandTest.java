package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.cli.testing.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion script in a real bash: what a user's TAB would offer. */
class CompletionCommandTest {
  @TempDir Path dir;

  /** COMPREPLY for the words typed so far (the last one being completed), one per line. */
  private List<String> complete(String... words) throws Exception {
    CliRun run = CliRun.run(Map.of(), Clock.systemUTC(), "completion", "bash");
    assertEquals(0, run.exit(), run.toString());
    Path script = Files.writeString(dir.resolve("credbroker.bash"), run.out());
    String typed = String.join(" ", java.util.Arrays.stream(words).map(w -> "'" + w + "'").toList());
    Commands.Result r = Commands.run(List.of("bash", "-c", "source " + script + "; COMP_WORDS=(" + typed
        + "); COMP_CWORD=" + (words.length - 1) + "; _credbroker; printf '%s\\n' \"${COMPREPLY[@]}\""),
        Map.of(), Duration.ofSeconds(30));
    assertEquals(0, r.exit(), r.toString());
    return r.output().lines().filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void firstWord_completesCommands() throws Exception {
    assertEquals(List.of("credential-process", "configure", "completion"), complete("credbroker", "c"));
  }

  @Test
  void options_areThoseTheCommandsHelpNames() throws Exception {
    assertEquals(List.of("--role"), complete("credbroker", "serve", "--ro"));
    assertEquals(List.of("--imds"), complete("credbroker", "serve", "--role", "x", "--im"));
    assertTrue(complete("credbroker", "credential-process", "--").containsAll(List.of("--no-cache",
        "--target", "--plaintext", "--token-file", "--help")));
    assertEquals(List.of(), complete("credbroker", "policy", "--targ"), "policy takes no connection options");
  }

  @Test
  void zsh_loadsTheBashFunctionThroughBashcompinit() {
    CliRun run = CliRun.run(Map.of(), Clock.systemUTC(), "completion", "zsh");
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.out().contains("autoload -U +X bashcompinit && bashcompinit\n"), run.out());
    assertTrue(run.out().endsWith(CompletionCommand.bash()), run.out());
  }

  @Test
  void unknownShell_isAUsageError() {
    CliRun run = CliRun.run(Map.of(), Clock.systemUTC(), "completion", "fish");
    assertEquals(2, run.exit(), run.toString());
    assertEquals("credbroker: completion takes one shell: bash or zsh; see credbroker completion --help\n",
        run.err());
  }
}
