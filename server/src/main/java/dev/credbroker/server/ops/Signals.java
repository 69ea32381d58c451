package dev.credbroker.server.ops;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Handles SIGTERM and SIGINT directly instead of through a shutdown hook, so the process can
 * finish its graceful stop and exit 0 (a JVM ended by a signal through hooks exits 143). A second
 * signal forces the stop.
 */
public final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Runs {@code action} on a fresh thread for every SIGHUP (reload the configuration). */
  public static void onHangup(Runnable action) {
    try {
      Signal.handle(new Signal("HUP"), signal -> {
        log.info("received SIGHUP; reloading the configuration");
        new Thread(action, "credbroker-reload").start();
      });
    } catch (IllegalArgumentException e) {
      log.warn("cannot handle SIGHUP on this platform; edits to the config file still reload it");
    }
  }

  /** First SIGTERM/SIGINT runs {@code graceful} on a fresh thread; the next runs {@code force}. */
  public static void onTerminate(Runnable graceful, Runnable force) {
    AtomicInteger received = new AtomicInteger();
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), signal -> {
          int n = received.incrementAndGet();
          log.info("received SIG{}{}", signal.getName(), n > 1 ? "; forcing the stop" : "");
          Thread t = new Thread(n == 1 ? graceful : force, "credbroker-stop-" + n);
          t.start();
        });
      } catch (IllegalArgumentException e) {
        log.warn("cannot handle SIG{} on this platform; stop the broker with SIGKILL", name);
      }
    }
  }
}
