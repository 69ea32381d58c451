package dev.credbroker.client.internal;

import java.time.Duration;

/** Argument checks shared by the builders; messages name the setting and the bad value. */
public final class Checks {
  private Checks() {}

  public static Duration positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
    return d;
  }
}
