package dev.credbroker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The broker's flags: the development AWS endpoint starts only under --dev. */
class CommandLineTest {

  @Test
  void dev_sendsAwsCallsToTheDevelopmentEndpointByDefault() throws Exception {
    assertEquals(CommandLine.DevAwsChoice.DEV, CommandLine.parse("--dev").aws());
    assertEquals(CommandLine.DevAwsChoice.REAL, CommandLine.parse("--dev", "--aws", "real").aws());
    assertEquals(CommandLine.DevAwsChoice.DEV, CommandLine.parse("--aws=dev", "--dev").aws());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "real"})
  void aws_withoutDev_isRefused(String choice) {
    var e = assertThrows(CommandLine.UsageException.class,
        () -> CommandLine.parse("--config", "broker.yaml", "--aws", choice));
    assertEquals("--aws chooses where --dev sends AWS calls; it needs --dev", e.getMessage());
  }

  @Test
  void aws_badOrRepeatedValue_isRefused() {
    assertEquals("--aws takes dev or real", assertThrows(CommandLine.UsageException.class,
        () -> CommandLine.parse("--dev", "--aws", "prod")).getMessage());
    assertEquals("--aws takes dev or real", assertThrows(CommandLine.UsageException.class,
        () -> CommandLine.parse("--dev", "--aws")).getMessage());
    assertEquals("--aws given twice", assertThrows(CommandLine.UsageException.class,
        () -> CommandLine.parse("--dev", "--aws", "dev", "--aws", "real")).getMessage());
  }

  @Test
  void main_awsWithoutDev_exitsWithUsageBeforeStartingAnything() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--config", "missing.yaml", "--aws", "dev"},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true,
            StandardCharsets.UTF_8));
    assertEquals(Main.EXIT_USAGE, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("credbroker: --aws chooses"), err.toString());
  }
}
