package dev.credbroker.client.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what goes to java.util.logging (gRPC logs there; the library logs through SLF4J), at
 * every level, so tests can scan it for secrets.
 */
public final class JulCapture extends Handler implements AutoCloseable {
  private final Logger root = Logger.getLogger("");
  private final Level previous = root.getLevel();
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  public JulCapture() {
    setLevel(Level.ALL);
    root.setLevel(Level.ALL);
    root.addHandler(this);
  }

  @Override
  public void publish(LogRecord r) {
    String message = r.getMessage();
    if (r.getParameters() != null && message != null) {
      message = java.text.MessageFormat.format(message, r.getParameters());
    }
    lines.add(r.getLevel() + " " + r.getLoggerName() + " " + message
        + (r.getThrown() == null ? "" : " " + r.getThrown()));
  }

  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    root.removeHandler(this);
    root.setLevel(previous);
  }
}
