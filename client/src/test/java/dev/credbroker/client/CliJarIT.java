package dev.credbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.client.testing.CliJar;
import dev.credbroker.client.testing.Commands;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped CLI jar as a new user meets it from a shell: help for each command, and the one
 * line it prints when something is wrong (nothing else: no gRPC log lines, no stack traces).
 */
class CliJarIT {
  private static final Map<String, String> TOKEN = Map.of("CREDBROKER_TOKEN", "a.b.c");

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

  @Test
  void brokerNotListening_oneLineWithTheTargetAndTheCause() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }

    Commands.Result r = CliJar.run(TOKEN, "credential-process", "--role", "deployer", "--no-cache",
        "--target", "127.0.0.1:" + port, "--plaintext");

    assertEquals(1, r.exit(), r.toString());
    assertEquals("credbroker: cannot reach the broker at 127.0.0.1:" + port + ": connection refused\n",
        r.output());
  }

  @Test
  void nameThatDoesNotResolve_oneLine() throws Exception {
    Commands.Result r = CliJar.run(TOKEN, "whoami", "--target", "dns:///broker.invalid:8443");

    assertEquals(1, r.exit(), r.toString());
    assertEquals("credbroker: cannot reach the broker at dns:///broker.invalid:8443: the name broker.invalid"
        + " does not resolve (DNS)\n", r.output());
  }
}
