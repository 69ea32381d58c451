package dev.credbroker.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logback finds the broker's defaults by itself (the service file, as in the shipped jar) and
 * they are what logback.xml used to say; an operator's own file still wins.
 */
class LogDefaultsTest {
  @TempDir Path dir;

  @Test
  void logbacksOwnStartUp_appliesTheDefaults() throws Exception {
    LoggerContext context = new LoggerContext();
    new ContextInitializer(context).autoConfig();

    assertEquals(Level.INFO, context.getLogger("ROOT").getLevel());
    assertEquals(Level.WARN, context.getLogger("io.grpc").getLevel());
    assertEquals(Level.ERROR, context.getLogger("com.zaxxer.hikari").getLevel());
    assertEquals(Level.WARN, context.getLogger("org.postgresql").getLevel());
    assertEquals(Level.WARN, context.getLogger("org.flywaydb").getLevel());
    assertTrue(context.getTurboFilterList().stream().anyMatch(CredentialLoggerFilter.class::isInstance),
        "no level prints a credential");
    assertTrue(context.getCopyOfListenerList().stream().anyMatch(LevelChangePropagator.class::isInstance),
        "java.util.logging's levels follow");
    ConsoleAppender<ILoggingEvent> stderr =
        assertInstanceOf(ConsoleAppender.class, context.getLogger("ROOT").getAppender("STDERR"));
    assertEquals("System.err", stderr.getTarget());
    assertInstanceOf(TextLogLayout.class,
        assertInstanceOf(LayoutWrappingEncoder.class, stderr.getEncoder()).getLayout());
    context.stop();
  }

  @Test
  void anOperatorsFile_wins() throws Exception {
    Path file = Files.writeString(dir.resolve("logback.xml"), """
        <configuration>
          <logger name="io.grpc" level="DEBUG"/>
          <root level="WARN"/>
        </configuration>
        """);
    LoggerContext context = new LoggerContext();
    System.setProperty("logback.configurationFile", file.toString());
    try {
      new ContextInitializer(context).autoConfig();
    } finally {
      System.clearProperty("logback.configurationFile");
    }

    assertEquals(Level.WARN, context.getLogger("ROOT").getLevel());
    assertEquals(Level.DEBUG, context.getLogger("io.grpc").getLevel());
    context.stop();
  }
}
