package dev.credbroker.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CredbrokerCliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void help_printsUsageAndExitsZero() {
    assertEquals(0, run("--help"));
    assertTrue(text(out).startsWith("usage: credbroker COMMAND"), text(out));
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
