package dev.credbroker.server.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The text log: {@code 2026-01-01T10:00:00.000Z INFO  Logger - message}, one line per event. The
 * message and every exception message pass through {@link LogText}, here rather than at each call
 * site, so no caller-controlled value or AWS error text can break a line, forge one, or send
 * terminal escapes, whoever wrote the log call. Stack traces (logged only for broker bugs) follow
 * the line, each of their lines indented or starting with {@code Caused by:}.
 */
public final class TextLogLayout extends LayoutBase<ILoggingEvent> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
  /** Causes and suppressed exceptions rendered at most, so a cycle or a deep chain stays short. */
  private static final int MAX_THROWABLES = 10;

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder out = new StringBuilder(128);
    TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), out);
    String level = event.getLevel().toString();
    out.append(' ').append(level).append(" ".repeat(Math.max(0, 5 - level.length()))).append(' ');
    String logger = event.getLoggerName();
    out.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(" - ")
        .append(LogText.escape(event.getFormattedMessage())).append(CoreConstants.LINE_SEPARATOR);
    if (event.getThrowableProxy() != null) {
      throwable(out, event.getThrowableProxy(), "", "", new int[] {MAX_THROWABLES});
    }
    return out.toString();
  }

  private static void throwable(StringBuilder out, IThrowableProxy t, String indent, String prefix,
      int[] budget) {
    if (budget[0]-- <= 0) {
      out.append(indent).append("...").append(CoreConstants.LINE_SEPARATOR);
      return;
    }
    out.append(indent).append(prefix).append(LogText.escape(t.getClassName()));
    if (t.getMessage() != null) {
      out.append(": ").append(LogText.escape(t.getMessage()));
    }
    out.append(CoreConstants.LINE_SEPARATOR);
    StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
    for (int i = 0; i < frames.length - t.getCommonFrames(); i++) {
      out.append(indent).append('\t').append(LogText.escape(frames[i].getSTEAsString()))
          .append(CoreConstants.LINE_SEPARATOR);
    }
    if (t.getCommonFrames() > 0) {
      out.append(indent).append("\t... ").append(t.getCommonFrames())
          .append(" common frames omitted").append(CoreConstants.LINE_SEPARATOR);
    }
    if (t.getSuppressed() != null) {
      for (IThrowableProxy s : t.getSuppressed()) {
        throwable(out, s, indent + "\t", "Suppressed: ", budget);
      }
    }
    if (t.getCause() != null && !t.isCyclic()) {
      throwable(out, t.getCause(), indent, "Caused by: ", budget);
    }
  }
}
