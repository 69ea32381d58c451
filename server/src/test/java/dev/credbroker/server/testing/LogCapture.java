package dev.credbroker.server.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import dev.credbroker.server.ops.LogSetup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Captures everything the broker logs (at DEBUG and above) while open, for leak scans. */
public final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root;
  private final Map<Logger, Level> previous = new LinkedHashMap<>();

  /** The root logger at DEBUG; loggers configured with their own level keep it. */
  public LogCapture() {
    this(Level.DEBUG, false);
  }

  private LogCapture(Level level, boolean everyLogger) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Logger l : context.getLoggerList()) {
      if (l == root || everyLogger && l.getLevel() != null) {
        previous.put(l, l.getLevel());
        l.setLevel(level);
      }
    }
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
  }

  /**
   * Every logger at {@code level}, including those the configuration quietens (gRPC, the AWS SDK),
   * and java.util.logging bridged as the broker's {@code Main} bridges it: what an operator who
   * turned everything up would see.
   */
  public static LogCapture everyLoggerAt(Level level) {
    LogSetup.bridgeJavaUtilLogging();
    return new LogCapture(level, true);
  }

  /** Every captured line: logger, message, key-value pairs and full stack traces. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(appender.list)) {
      out.add(e.getLoggerName() + ": " + e.getFormattedMessage() + " " + e.getKeyValuePairs());
      IThrowableProxy t = e.getThrowableProxy();
      if (t != null) {
        out.add(ThrowableProxyUtil.asString(t));
      }
    }
    return out;
  }

  /** The captured events that carry an exception, as logger and message. */
  public List<String> withStackTraces() {
    return List.copyOf(appender.list).stream().filter(e -> e.getThrowableProxy() != null)
        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
  }

  /**
   * Everything captured as the broker's configured console appender writes it (its encoder, so
   * its layout, escaping and stack-trace rendering): the text an operator's terminal or a log
   * shipper receives.
   */
  public String rendered() {
    Encoder<ILoggingEvent> encoder = consoleEncoder();
    StringBuilder out = new StringBuilder();
    for (ILoggingEvent e : List.copyOf(appender.list)) {
      out.append(new String(encoder.encode(e), StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  private Encoder<ILoggingEvent> consoleEncoder() {
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> console) {
        return console.getEncoder();
      }
    }
    throw new IllegalStateException("no console appender on the root logger");
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    previous.forEach(Logger::setLevel);
  }
}
