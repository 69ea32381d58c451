package dev.credbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.client.testing.CliJar;
import dev.credbroker.client.testing.Commands;
import dev.credbroker.server.testing.ProcessRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped CLI jar as a new user meets it from a shell: help for each command, and the one
 * line it prints when something is wrong.
 */
class CliJarIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void commandHelp_printsThatCommandsUsage() throws Exception {
    Commands.Result r = CliJar.run(Map.of(), "credential-process", "--help");

    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.output().startsWith("usage: credbroker credential-process --role R"), r.toString());
    assertTrue(r.output().contains("--token-file FILE"), r.toString());
  }

  @Test
  void unknownOption_pointsToTheCommandsHelp() throws Exception {
    Commands.Result r = CliJar.run(Map.of(), "serve", "--rol", "deployer");

    assertEquals(2, r.exit(), r.toString());
    assertEquals("credbroker: unknown option '--rol'; see credbroker serve --help\n", r.output());
  }
}
