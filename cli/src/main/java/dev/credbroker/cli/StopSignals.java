package dev.credbroker.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT for the commands that run until stopped ({@code serve}, {@code update}).
 * Handled directly rather than through a shutdown hook, so the command cleans up and exits 0 (a
 * JVM ended by a signal through its hooks exits 143); a second signal stops the process at once.
 */
final class StopSignals {
  private StopSignals() {}

  /** A latch the first SIGTERM or SIGINT opens; the next one exits with {@code EXIT_UNAVAILABLE}. */
  static CountDownLatch install(PrintStream err) {
    CountDownLatch stop = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal.handle(new Signal(name), signal -> {
          boolean first = received.incrementAndGet() == 1;
          err.println("credbroker: received SIG" + signal.getName()
              + (first ? "; stopping" : "; forcing the stop"));
          if (first) {
            stop.countDown();
          } else {
            System.exit(CredbrokerCli.EXIT_UNAVAILABLE);
          }
        });
      } catch (IllegalArgumentException e) {
        err.println("credbroker: cannot handle SIG" + name + " on this platform");
      }
    }
    return stop;
  }
}
