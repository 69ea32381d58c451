package dev.credbroker.core.text;

import java.time.Instant;

/**
 * An instant as {@link Instant#toString()} writes it (ISO-8601, UTC, the fraction in groups of
 * three digits as needed), without formatting the date every time: the text up to the seconds is
 * kept for the last second seen, and audit records are written many times a second.
 */
public final class InstantText {
  /** Years 0000 to 9999: beyond them {@link Instant#toString()} adds a sign, left to it. */
  private static final long FIRST_PLAIN = -62_167_219_200L;
  private static final long LAST_PLAIN = 253_402_300_799L;

  /** The date and time of one second, e.g. {@code 2026-11-30T15:04:05}; immutable, so shared. */
  private record Second(long epochSecond, String text) {}

  private static volatile Second last = new Second(Long.MIN_VALUE, "");

  private InstantText() {}

  /** Appends {@code t} exactly as {@code t.toString()} would read. */
  public static void append(StringBuilder out, Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < FIRST_PLAIN || seconds > LAST_PLAIN) {
      out.append(t);
      return;
    }
    Second second = last;
    if (second.epochSecond() != seconds) {
      String full = Instant.ofEpochSecond(seconds).toString();
      second = new Second(seconds, full.substring(0, full.length() - 1));
      last = second;
    }
    out.append(second.text());
    int nanos = t.getNano();
    if (nanos != 0) {
      out.append('.');
      if (nanos % 1_000_000 == 0) {
        digits(out, nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        digits(out, nanos / 1_000, 6);
      } else {
        digits(out, nanos, 9);
      }
    }
    out.append('Z');
  }

  /** {@code t.toString()}, the same way. */
  public static String of(Instant t) {
    StringBuilder out = new StringBuilder(30);
    append(out, t);
    return out.toString();
  }

  private static void digits(StringBuilder out, int value, int width) {
    for (int scale = pow10(width - 1); scale > 0; scale /= 10) {
      out.append((char) ('0' + value / scale % 10));
    }
  }

  private static int pow10(int n) {
    int p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }
}
