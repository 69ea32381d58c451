package dev.credbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.server.testing.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README quickstart as a new user runs it: the shipped broker jar in --dev mode, then the
 * shipped CLI jar asking who the printed token belongs to.
 */
class QuickstartIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void devBroker_printedTokenWorksWithTheCli() throws Exception {
    Path config = Files.writeString(dir.resolve("dev.yaml"), "server: {listen: 127.0.0.1:0}\n");
    try (ProcessRunner broker = ProcessRunner.start(List.of(ProcessRunner.javaBin(), "-jar",
        System.getProperty("credbroker.serverJar"), "--dev", "--config", config.toString()))) {
      String port = broker.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1);
      broker.awaitLine("DEVELOPMENT MODE - NOT FOR PRODUCTION", WAIT);
      String token = broker.awaitLine("^export CREDBROKER_TOKEN=(\\S+)$", WAIT).group(1);
      String command = broker.awaitLine("^java -jar client/target/credbroker.jar whoami (.*)$", WAIT)
          .group(1);
      assertTrue(command.contains("--target 127.0.0.1:" + port), command);

      try (ProcessRunner whoami = cli(Map.of("CREDBROKER_TOKEN", token), "whoami", "--target",
          "127.0.0.1:" + port, "--plaintext")) {
        assertEquals(0, whoami.awaitExit(WAIT), whoami.output());
        assertTrue(whoami.output().contains("\"subject\": \"dev-user\""), whoami.output());
        assertTrue(whoami.output().contains("\"groups\": [\"developers\"]"), whoami.output());
      }
      try (ProcessRunner refused = cli(Map.of("CREDBROKER_TOKEN", token + "x"), "whoami",
          "--target", "127.0.0.1:" + port, "--plaintext")) {
        assertEquals(3, refused.awaitExit(WAIT), refused.output());
        assertTrue(refused.output().startsWith("credbroker: broker answered UNAUTHENTICATED: "),
            refused.output());
        assertTrue(!refused.output().contains(token.substring(token.length() - 16)), refused.output());
      }
      broker.terminate();
      assertEquals(0, broker.awaitExit(WAIT), broker.output());
    }
  }

  @Test
  void cli_refusesPlaintextToANonLoopbackTarget() throws Exception {
    try (ProcessRunner p = cli(Map.of("CREDBROKER_TOKEN", "a.b.c"), "whoami", "--target",
        "broker.example.com:8443", "--plaintext")) {
      assertEquals(2, p.awaitExit(WAIT), p.output());
      assertTrue(p.output().startsWith("credbroker: --plaintext is allowed only for a loopback target"),
          p.output());
    }
  }

  private ProcessRunner cli(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(ProcessRunner.javaBin(), "-jar",
        System.getProperty("credbroker.cliJar")));
    cmd.addAll(List.of(args));
    return ProcessRunner.start(cmd, env);
  }
}
