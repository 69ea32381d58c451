package dev.credbroker.server.cache;

import dev.credbroker.core.config.Durations;
import java.time.Duration;

/** A {@code force_refresh} refused by the per-caller limit; says when one is allowed again. */
public final class ForceRefreshLimitedException extends Exception {
  private static final long serialVersionUID = 1L;

  ForceRefreshLimitedException(String requested, Duration interval, Duration wait) {
    super("force_refresh of secret '" + requested + "' is limited to once every "
        + Durations.format(interval) + " per caller; retry in "
        + Durations.format(Duration.ofSeconds(Math.max(1, (wait.toMillis() + 999) / 1000)))
        + ", or read without force_refresh", null, false, false);
  }
}
