package dev.credbroker.core.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Access review's window in whole UTC days: the fleet store keeps its usages per day
 * ({@code audit_usage_daily}), so a review covers every day it touches, from 00:00 UTC of the day
 * {@code since} falls in to 00:00 UTC after the day {@code until} falls in ({@code until} already
 * at midnight stays). Reviews from a file use the same days, so both answer alike.
 */
public record UsageDays(Instant since, Instant until) {
  public UsageDays {
    if (!since.isBefore(until)) {
      throw new IllegalArgumentException("since must be before until");
    }
  }

  /** The whole UTC days covering {@code [since, until)}. */
  public static UsageDays covering(Instant since, Instant until) {
    Instant start = since.truncatedTo(ChronoUnit.DAYS);
    Instant end = until.truncatedTo(ChronoUnit.DAYS);
    return new UsageDays(start, end.equals(until) ? end : end.plus(1, ChronoUnit.DAYS));
  }
}
