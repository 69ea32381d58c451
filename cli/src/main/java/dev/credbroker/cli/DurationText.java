package dev.credbroker.cli;

import dev.credbroker.core.config.Durations;
import dev.credbroker.core.limits.Limits;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Durations on the command line, in the one grammar of the config ({@link Durations}: {@code 30s},
 * {@code 15m}, {@code 1h30m}, {@code 500ms}, {@code 1d}). Two spellings the command accepted
 * before keep working, rewritten into that grammar before it parses them: a bare number is
 * seconds ({@code 900}, {@code 0.5}), and a number after the last unit is seconds ({@code 1h30}
 * is {@code 1h30s}).
 */
final class DurationText {
  private static final Pattern BARE_SECONDS = Pattern.compile("\\d{1,9}(?:\\.\\d{1,9})?");
  private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  private DurationText() {}

  /** {@code --duration}: a session length, 15m to 12h ({@link Limits}). */
  static Optional<Duration> option(CliOptions o, String name) throws CliOptions.UsageException {
    Optional<Duration> d = parsed(o, name, "must look like 900s, 15m, 1h or 1h30m");
    if (d.isPresent() && (d.get().compareTo(Limits.MIN_SESSION) < 0 || d.get().compareTo(Limits.MAX_SESSION) > 0)) {
      throw new CliOptions.UsageException("--" + name + " must be " + format(Limits.MIN_SESSION) + " to "
          + format(Limits.MAX_SESSION) + " (the STS limits)");
    }
    return d;
  }

  /** {@code --timeout}: more than zero, at most an hour; {@code fallback} when not given. */
  static Duration timeout(CliOptions o, String name, Duration fallback) throws CliOptions.UsageException {
    String rule = "must be a number of seconds or a duration such as 500ms or 2m (more than 0, at most 1h)";
    Duration d = parsed(o, name, rule).orElse(fallback);
    if (d.isZero() || d.isNegative() || d.compareTo(MAX_TIMEOUT) > 0) {
      throw new CliOptions.UsageException("--" + name + " " + rule);
    }
    return d;
  }

  /** {@code text} in the grammar, old spellings included; IllegalArgumentException otherwise. */
  static Duration parse(String text) {
    String t = text.strip();
    if (BARE_SECONDS.matcher(t).matches()) {
      t = new BigDecimal(t).movePointRight(3).setScale(0, RoundingMode.DOWN).toPlainString() + "ms";
    } else if (!t.isEmpty() && Character.isDigit(t.charAt(t.length() - 1))) {
      t = t + "s";
    }
    return Durations.parse(t);
  }

  private static Optional<Duration> parsed(CliOptions o, String name, String rule) throws CliOptions.UsageException {
    Optional<String> text = o.get(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(text.get()));
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new CliOptions.UsageException("--" + name + " " + rule);
    }
  }

  /** {@code d} in the same form, in whole minutes rounded down (seconds below a minute): 45s, 15m, 1h, 1h30m. */
  static String format(Duration d) {
    if (d.compareTo(Duration.ofMinutes(1)) < 0) {
      return Math.max(0, d.toSeconds()) + "s";
    }
    long hours = d.toHours();
    long minutes = d.toMinutesPart();
    return (hours > 0 ? hours + "h" : "") + (minutes > 0 || hours == 0 ? minutes + "m" : "");
  }
}
