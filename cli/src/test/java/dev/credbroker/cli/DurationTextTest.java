package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One grammar (core's Durations) for every duration on the command line, old spellings kept. */
class DurationTextTest {

  private static CliOptions options(String name, String value) throws Exception {
    return CliOptions.parse(List.of("--" + name, value), Set.of(name), Set.of(), Map.of());
  }

  private static Duration duration(String text) throws Exception {
    return DurationText.option(options("duration", text), "duration").orElseThrow();
  }

  private static Duration timeout(String text) throws Exception {
    return DurationText.timeout(options("timeout", text), "timeout", Duration.ofSeconds(10));
  }

  @Test
  void duration_oldSpellingsStillWork() throws Exception {
    Map<String, Duration> old = Map.of("900", Duration.ofMinutes(15), "900s", Duration.ofMinutes(15),
        "15m", Duration.ofMinutes(15), "90m", Duration.ofMinutes(90), "1h", Duration.ofHours(1),
        "1h30m", Duration.ofMinutes(90), "1h30", Duration.ofHours(1).plusSeconds(30),
        "1h1m1s", Duration.ofSeconds(3661), "43200", Duration.ofHours(12), "12h", Duration.ofHours(12));
    for (Map.Entry<String, Duration> e : old.entrySet()) {
      assertEquals(e.getValue(), duration(e.getKey()), e.getKey());
    }
  }

  @Test
  void duration_theConfigGrammarToo() throws Exception {
    assertEquals(Duration.ofMinutes(15), duration("900000ms"));
    assertEquals(Duration.ofHours(2), duration("1h60m"));
  }

  @Test
  void duration_outsideTheStsLimitsOrMalformed_isAUsageError() throws Exception {
    CliOptions.UsageException shortOne = assertThrows(CliOptions.UsageException.class, () -> duration("5m"));
    assertEquals("--duration must be 15m to 12h (the STS limits)", shortOne.getMessage());
    assertThrows(CliOptions.UsageException.class, () -> duration("899"));
    assertThrows(CliOptions.UsageException.class, () -> duration("12h1s"));
    assertEquals("--duration must look like 900s, 15m, 1h or 1h30m",
        assertThrows(CliOptions.UsageException.class, () -> duration("an hour")).getMessage());
    assertThrows(CliOptions.UsageException.class, () -> duration("1.5h"));
  }

  @Test
  void timeout_oldSecondsSpellingsStillWork_andDurationsToo() throws Exception {
    Map<String, Duration> spellings = Map.of("1", Duration.ofSeconds(1), "60", Duration.ofSeconds(60),
        "0.5", Duration.ofMillis(500), "2.25", Duration.ofMillis(2250), "3600", Duration.ofHours(1),
        "500ms", Duration.ofMillis(500), "2m", Duration.ofMinutes(2));
    for (Map.Entry<String, Duration> e : spellings.entrySet()) {
      assertEquals(e.getValue(), timeout(e.getKey()), e.getKey());
    }
    assertEquals(Duration.ofSeconds(10),
        DurationText.timeout(CliOptions.parse(List.of(), Set.of("timeout"), Set.of(), Map.of()), "timeout",
            Duration.ofSeconds(10)));
  }

  @Test
  void timeout_zeroTooLongOrMalformed_isAUsageError() {
    for (String bad : List.of("0", "0s", "0.0001", "3601", "2h", "soon", "-1")) {
      assertThrows(CliOptions.UsageException.class, () -> timeout(bad), bad);
    }
  }

  @Test
  void since_readsTheSameGrammar() {
    assertEquals(Duration.ofHours(24), DurationText.parse("24h"));
    assertEquals(Duration.ofMinutes(90), DurationText.parse("90m"));
    assertEquals(Duration.ofDays(7), DurationText.parse("7d"));
  }
}
