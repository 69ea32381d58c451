package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredbrokerCliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void help_printsUsageAndExitsZero() {
    assertEquals(0, run("--help"));
    assertTrue(text(out).startsWith("usage: credbroker COMMAND"), text(out));
  }

  /** Each command's help: its usage, the options it takes, exit 0; and the same text in --help. */
  @ParameterizedTest
  @ValueSource(strings = {"credential-process", "serve", "exec", "update", "get-secret", "whoami",
      "entitlements", "policy", "audit"})
  void commandHelp_printsThatCommandsUsageAndExitsZero(String command) {
    assertEquals(0, run(command, "--help"), text(err));

    String help = text(out);
    assertTrue(help.startsWith("usage: credbroker " + command), help);
    assertEquals("", text(err));
    assertEquals(!command.equals("policy"), help.contains("--target HOST:PORT"), help);
    String firstLine = help.lines().findFirst().orElseThrow().substring("usage: credbroker ".length());
    assertTrue(CredbrokerCli.USAGE.contains("\n  " + firstLine + "\n"), "--help lists " + firstLine);
  }

  @Test
  void commandHelp_afterOtherOptions_andShortForm() {
    assertEquals(0, run("serve", "--role", "x", "-h"));
    assertTrue(text(out).startsWith("usage: credbroker serve --role R"), text(out));
  }

  @Test
  void execHelp_afterTheSeparator_belongsToTheCommand() {
    assertEquals(2, run("exec", "--role", "x", "--", "ls", "--help"));
    assertEquals("", text(out));
    assertTrue(text(err).startsWith("credbroker: no token: "), text(err));
  }

  @Test
  void unknownOption_pointsToTheCommandsHelp() {
    assertEquals(2, run("credential-process", "--rol", "deployer"));
    assertEquals("credbroker: unknown option '--rol'; see credbroker credential-process --help\n", text(err));
  }

  @Test
  void unknownCommand_exitsTwoWithOneLine() {
    assertEquals(2, run("frobnicate"));
    assertEquals("credbroker: unknown command 'frobnicate'; see --help\n", text(err));
  }

  @Test
  void noCommand_exitsTwo() {
    assertEquals(2, run());
    assertEquals("credbroker: no command given; see --help\n", text(err));
  }

  @Test
  void hugeArgument_isAbbreviatedInTheError() {
    assertEquals(2, run("x".repeat(100_000)));
    assertTrue(text(err).length() < 120, text(err));
  }

  private int run(String... args) {
    return CredbrokerCli.run(args, java.util.Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static String text(ByteArrayOutputStream s) {
    return s.toString(StandardCharsets.UTF_8);
  }
}
