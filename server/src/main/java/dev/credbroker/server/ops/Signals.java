package dev.credbroker.server.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Handles SIGTERM and SIGINT directly instead of through a shutdown hook, so the process can
 * finish its graceful stop and exit 0: a JVM ended by a signal through hooks exits 143.
 */
public final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Runs {@code action} on a fresh thread the first time SIGTERM or SIGINT arrives. */
  public static void onTerminate(Runnable action) {
    Thread stopper = new Thread(action, "credbroker-stop");
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), signal -> {
          log.info("received SIG{}", signal.getName());
          synchronized (stopper) {
            if (stopper.getState() == Thread.State.NEW) {
              stopper.start();
            }
          }
        });
      } catch (IllegalArgumentException e) {
        log.warn("cannot handle SIG{} on this platform; stop the broker with SIGKILL", name);
      }
    }
  }
}
