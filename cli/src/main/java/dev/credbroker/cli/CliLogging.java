package dev.credbroker.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The library's log messages (java.util.logging) as one line each on stderr, warnings and above:
 * what a long-running {@code serve} or {@code update} needs to say, without stack traces.
 */
final class CliLogging {
  private CliLogging() {}

  static void install() {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler stderr = new ConsoleHandler();
    stderr.setLevel(Level.WARNING);
    stderr.setFormatter(new Formatter() {
      @Override
      public String format(LogRecord r) {
        return "credbroker: " + formatMessage(r).replace('\n', ' ') + System.lineSeparator();
      }
    });
    // gRPC's own warnings (a name that does not resolve, a connection that failed) repeat what the
    // command reports in its one error line, with a stack trace. A filter on this handler, not a
    // logger level, so nothing that sets JUL levels later brings them back.
    stderr.setFilter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue()
        || r.getLoggerName() == null || !r.getLoggerName().startsWith("io.grpc"));
    root.addHandler(stderr);
    root.setLevel(Level.WARNING);
  }
}
