package dev.credbroker.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Access review's whole UTC days: each bound moves out to a midnight, one at midnight stays. */
class UsageDaysTest {
  @Test
  void coversEveryDayTheWindowTouches() {
    assertEquals(new UsageDays(Instant.parse("2026-09-01T00:00:00Z"),
        Instant.parse("2026-12-01T00:00:00Z")), UsageDays.covering(
            Instant.parse("2026-09-01T12:00:00Z"), Instant.parse("2026-11-30T12:00:00Z")));
    assertEquals(new UsageDays(Instant.parse("2026-11-30T00:00:00Z"),
        Instant.parse("2026-12-01T00:00:00Z")), UsageDays.covering(
            Instant.parse("2026-11-30T00:00:00Z"), Instant.parse("2026-11-30T00:00:00.000001Z")));
    assertEquals(new UsageDays(Instant.parse("2026-11-01T00:00:00Z"),
        Instant.parse("2026-11-30T00:00:00Z")), UsageDays.covering(
            Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-30T00:00:00Z")),
        "bounds at midnight stay");
  }

  @Test
  void anEmptyWindow_isRefused() {
    Instant t = Instant.parse("2026-11-30T00:00:00Z");
    assertThrows(IllegalArgumentException.class, () -> new UsageDays(t, t));
  }
}
