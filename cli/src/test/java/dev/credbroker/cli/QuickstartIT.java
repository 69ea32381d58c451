package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.server.testing.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README quickstart as a new user runs it: the shipped broker jar in {@code --dev} mode, the
 * {@code export} lines it prints pasted into a shell, then every command of the README's
 * transcript, with the Debian AWS CLI as the consumer of the credentials. The broker's banner must
 * print the README's commands, so the two cannot drift apart.
 */
class QuickstartIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String AWS_CLI = "/usr/bin/aws";

  /** What each README command must show; a README command without an entry fails the test. */
  private static final Map<String, Predicate<String>> EXPECTED = expectations();

  @TempDir Path dir;

  @Test
  void readmeTranscript_showsACredentialASecretWithItsRotationAndTheirAuditRecords()
      throws Exception {
    assertTrue(Files.isExecutable(Path.of(AWS_CLI)), AWS_CLI + " (Debian awscli) is required;"
        + " scripts/install-test-deps.sh installs it");
    List<String> transcript = readmeBlock("<!-- quickstart-transcript -->");
    String quickstart = readmeBlock("<!-- quickstart-command -->").get(0);
    assertTrue(quickstart.endsWith("java -jar server/target/credbroker-server.jar --dev"),
        quickstart);
    // The README's broker, on a free port instead of 8443: the same dev policy, built into the jar.
    Path config = Files.writeString(dir.resolve("dev.yaml"),
        Files.readString(Path.of(System.getProperty("credbroker.examples"), "dev.yaml"))
            .replace("listen: 127.0.0.1:8443", "listen: 127.0.0.1:0"));
    try (ProcessRunner broker = ProcessRunner.start(List.of(ProcessRunner.javaBin(), "-jar",
        System.getProperty("credbroker.serverJar"), "--dev", "--config", config.toString()))) {
      broker.awaitLine("DEVELOPMENT MODE - NOT FOR PRODUCTION", WAIT);
      List<String> exports = new ArrayList<>();
      for (String name : List.of("PATH", "CREDBROKER_TARGET", "CREDBROKER_TOKEN_FILE",
          "AWS_CONFIG_FILE")) {
        exports.add(broker.awaitLine("^export " + name + "=.*$", WAIT).group());
      }
      broker.awaitLine("^Then \\(README.md, Quickstart\\):$", WAIT);
      for (String line : transcript) {
        broker.awaitLine("^" + Pattern.quote(line) + "$", WAIT);
      }
      for (String command : transcript) {
        if (command.startsWith("#")) {
          continue;
        }
        Predicate<String> expected = EXPECTED.entrySet().stream()
            .filter(e -> command.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst()
            .orElse(null);
        assertNotNull(expected, "no expectation for the README command: " + command);
        String output = run(exports, command);
        assertTrue(expected.test(output), command + " printed:\n" + output);
      }
      broker.terminate();
      assertEquals(0, broker.awaitExit(WAIT), broker.output());
      assertFalse(broker.output().contains(Files.readString(Path.of(exports.get(2)
          .substring("export CREDBROKER_TOKEN_FILE=".length()))).strip()),
          "the banner names the token file; it never prints the token");
    }
  }

  @Test
  void cli_refusesPlaintextToANonLoopbackTarget() throws Exception {
    try (ProcessRunner p = ProcessRunner.start(List.of(ProcessRunner.javaBin(), "-jar",
        System.getProperty("credbroker.cliJar"), "whoami", "--target", "broker.example.com:8443",
        "--plaintext"), Map.of("CREDBROKER_TOKEN", "a.b.c"))) {
      assertEquals(2, p.awaitExit(WAIT), p.output());
      assertTrue(p.output().startsWith("credbroker: --plaintext is allowed only for a loopback target"),
          p.output());
    }
  }

  /** One README command in a shell that has the pasted export lines; its output. */
  private static String run(List<String> exports, String command) throws Exception {
    String script = String.join("\n", exports) + "\n" + command + "\n";
    try (ProcessRunner shell = ProcessRunner.start(List.of("bash", "-euc", script),
        Map.of("PATH", "/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED", "true",
            "AWS_PAGER", ""))) {
      assertEquals(0, shell.awaitExit(WAIT), command + " failed:\n" + shell.output());
      return shell.output();
    }
  }

  private static Map<String, Predicate<String>> expectations() {
    Map<String, Predicate<String>> e = new LinkedHashMap<>();
    e.put("credbroker whoami", out -> out.contains("\"subject\": \"dev-user\""));
    e.put("credbroker entitlements", out -> out.contains("\"role\": \"dev-readonly\"")
        && out.contains("\"role\": \"dev-deployer\"") && out.contains("\"secret\": \"dev-db\""));
    e.put("aws sts get-caller-identity", out -> Pattern.compile(
        "\"Arn\": \"arn:aws:sts::111122223333:assumed-role/dev-readonly/dev-user\\.[0-9a-f]{16}\"")
        .matcher(out).find());
    e.put("credbroker get-secret dev-db --field password --force-refresh",
        out -> out.strip().equals("rotated-by-you"));
    e.put("credbroker get-secret dev-db --field password",
        out -> out.strip().matches("dev-[0-9a-f]{24}"));
    e.put("aws secretsmanager put-secret-value", out -> out.contains("\"AWSCURRENT\""));
    e.put("credbroker audit search", out ->
        // SUBJECT, then CLIENT (none in dev tokens), then NAME: the session name's readable part
        Pattern.compile("allow\\s+GetAwsCredentials\\s+dev-user\\s+dev-user\\s+role"
            + " dev-readonly\\s+OK").matcher(out).find()
        && Pattern.compile("allow\\s+GetSecretValue\\s+dev-user\\s+secret dev-db\\s+OK")
            .matcher(out).results().count() == 2);
    return e;
  }

  /** The lines of the fenced block after {@code marker} in README.md. */
  private static List<String> readmeBlock(String marker) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(System.getProperty("credbroker.readme")));
    int at = lines.indexOf(marker);
    assertTrue(at >= 0 && lines.get(at + 1).startsWith("```"), "README.md has no block after "
        + marker);
    List<String> block = new ArrayList<>();
    for (int i = at + 2; !lines.get(i).startsWith("```"); i++) {
      block.add(lines.get(i));
    }
    return block;
  }
}
