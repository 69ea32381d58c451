package dev.credbroker.core.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses byte sizes such as {@code 512}, {@code 64KiB} or {@code 4MiB} (binary units only). */
public final class DataSizes {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KiB|MiB|GiB)?");
  private static final Map<String, Long> UNITS =
      Map.of("B", 1L, "KiB", 1L << 10, "MiB", 1L << 20, "GiB", 1L << 30);

  private DataSizes() {}

  /** Returns the size in bytes, or throws {@link IllegalArgumentException} naming the forms. */
  public static long parse(String text) {
    Matcher m = text == null ? null : SIZE.matcher(text.strip());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("expected a size such as 65536, 64KiB or 4MiB");
    }
    long unit = m.group(2) == null ? 1L : UNITS.get(m.group(2));
    return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
  }
}
