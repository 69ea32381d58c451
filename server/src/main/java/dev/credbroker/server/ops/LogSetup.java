package dev.credbroker.server.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.credbroker.core.config.LoggingConfig;
import org.slf4j.LoggerFactory;

/** Applies {@code logging.*} to logback once the configuration is known. */
public final class LogSetup {
  private LogSetup() {}

  /** Routes java.util.logging (gRPC's own logs) through SLF4J; call once, first thing. */
  public static void bridgeJavaUtilLogging() {
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
  }

  /**
   * Sets the level and puts the format's layout on the one stderr appender, replacing whatever a
   * logback file configured, so the escaping in {@link TextLogLayout} and {@link JsonLogLayout}
   * holds for every line; adds {@link CredentialLoggerFilter} if the logback file did not.
   */
  public static void apply(LoggingConfig config) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      apply(context, Level.toLevel(config.level().name(), Level.INFO),
          config.format() == LoggingConfig.Format.JSON ? new JsonLogLayout() : new TextLogLayout());
    }
  }

  /** The root's level and its one stderr appender with {@code layout}; the credential filter on. */
  static void apply(LoggerContext context, Level level, LayoutBase<ILoggingEvent> layout) {
    if (context.getTurboFilterList().stream().noneMatch(CredentialLoggerFilter.class::isInstance)) {
      CredentialLoggerFilter quiet = new CredentialLoggerFilter();
      quiet.setContext(context);
      quiet.start();
      context.addTurboFilter(quiet);
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("STDERR");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
  }
}
