package dev.credbroker.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Audit records hash their text, so the time must read exactly as {@code Instant.toString}. */
class InstantTextTest {

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-30T15:04:05Z", "2026-11-30T15:04:05.100Z",
      "2026-11-30T15:04:05.120Z", "2026-11-30T15:04:05.123Z", "2026-11-30T15:04:05.000001Z",
      "2026-11-30T15:04:05.123400Z", "2026-11-30T15:04:05.000000001Z",
      "2026-11-30T15:04:05.999999999Z", "2026-11-30T15:04:00Z", "2026-11-30T00:00:00Z",
      "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z", "0000-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999999999Z", "-0001-12-31T23:59:59Z", "+10000-01-01T00:00:00Z",
      "2024-02-29T12:00:00.01Z"})
  void append_readsAsInstantToString(String text) {
    Instant t = Instant.parse(text);
    assertEquals(t.toString(), InstantText.of(t));
  }

  /** Many instants, mostly within one second of each other, as a busy broker writes them. */
  @Test
  void append_readsAsInstantToString_forRandomInstants() {
    SplittableRandom random = new SplittableRandom(20261130);
    Instant t = Instant.parse("2026-11-30T15:04:05Z");
    for (int i = 0; i < 200_000; i++) {
      t = switch (random.nextInt(4)) {
        case 0 -> t.plusNanos(random.nextLong(1_000_000_000L));
        case 1 -> t.plusMillis(random.nextInt(1_000));
        case 2 -> t.plusNanos(random.nextInt(1_000) * 1_000L);
        default -> Instant.ofEpochSecond(random.nextLong(-70_000_000_000L, 260_000_000_000L),
            random.nextInt(1_000_000_000));
      };
      assertEquals(t.toString(), InstantText.of(t));
    }
  }
}
