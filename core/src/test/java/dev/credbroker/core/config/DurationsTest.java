package dev.credbroker.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({"500ms,500", "30s,30000", "15m,900000", "1h,3600000", "1h30m,5400000",
      "2d,172800000", "0s,0", "1m1s1ms,61001"})
  void parse_validSpelling_returnsValue(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), Durations.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "15", "15 m", "1.5h", "-1s", "PT15M", "1y", "m", "9999999999s"})
  void parse_otherSpelling_throwsWithAcceptedForms(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertEquals("expected a duration such as 30s, 15m, 1h or 1h30m", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "1ms", "59s", "1m", "1h30m", "1d1h1m1s1ms"})
  void format_readsBackAsSameValue(String text) {
    assertEquals(text, Durations.format(Durations.parse(text)));
  }
}
