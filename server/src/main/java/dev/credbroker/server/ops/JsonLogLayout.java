package dev.credbroker.server.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;
import dev.credbroker.core.text.JsonText;
import java.time.Instant;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per log line, for log pipelines. Key-value pairs added with SLF4J's fluent API
 * become top-level fields. Exceptions are reduced to class and message: stack traces belong in
 * debug sessions, not in a pipeline that many people can read. Values pass through
 * {@link LogText} first, like the text log's, so a pipeline that prints the decoded message shows
 * no control characters or terminal escapes, and one value cannot make a line unbounded.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder out = new StringBuilder(256).append('{');
    field(out, "time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
    field(out, "level", event.getLevel().toString());
    field(out, "logger", event.getLoggerName());
    field(out, "thread", event.getThreadName());
    field(out, "message", event.getFormattedMessage());
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) {
        field(out, kv.key, String.valueOf(kv.value));
      }
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      field(out, "error", error.getClassName() + ": " + error.getMessage());
    }
    out.setLength(out.length() - 1);
    return out.append("}\n").toString();
  }

  private static void field(StringBuilder out, String key, String value) {
    JsonText.quote(out, key);
    out.append(':');
    JsonText.quote(out, LogText.escape(value));
    out.append(',');
  }
}
