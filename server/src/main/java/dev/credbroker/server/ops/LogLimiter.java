package dev.credbroker.server.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Lets a routine warning through at most once per cause per interval. What a client can trigger
 * at will (a malformed request, with no token) is logged through it, so a flood costs one short
 * line per cause per interval rather than one per request, and each line says how many like it
 * were held back since the previous one.
 */
public final class LogLimiter {
  /** Causes remembered at once; once full, new causes share one window. */
  static final int MAX_CAUSES = 256;
  static final String OTHER_CAUSES = "(other causes)";

  private final Clock clock;
  private final Duration interval;
  private final Map<String, Window> windows = new HashMap<>();

  public LogLimiter(Clock clock, Duration interval) {
    this.clock = clock;
    this.interval = interval;
  }

  /**
   * Empty when this occurrence of {@code cause} should not be logged; otherwise the number of
   * occurrences held back since the last one that was.
   */
  public synchronized OptionalLong admit(String cause) {
    Instant now = clock.instant();
    String key = windows.containsKey(cause) || windows.size() < MAX_CAUSES ? cause : OTHER_CAUSES;
    Window open = windows.get(key);
    if (open != null && now.isBefore(open.opened.plus(interval))) {
      open.held++;
      return OptionalLong.empty();
    }
    windows.put(key, new Window(now));
    return OptionalLong.of(open == null ? 0 : open.held);
  }

  private static final class Window {
    final Instant opened;
    long held;

    Window(Instant opened) {
      this.opened = opened;
    }
  }
}
