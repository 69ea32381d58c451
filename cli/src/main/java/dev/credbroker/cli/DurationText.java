package dev.credbroker.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations on the command line: {@code 900}, {@code 900s}, {@code 15m}, {@code 1h}, {@code 1h30m}. */
final class DurationText {
  private static final Pattern FORM = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s?)?");

  private DurationText() {}

  static Optional<Duration> option(CliOptions o, String name) throws CliOptions.UsageException {
    Optional<String> text = o.get(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = FORM.matcher(text.get());
    if (text.get().isEmpty() || !m.matches()) {
      throw new CliOptions.UsageException("--" + name + " must look like 900s, 15m, 1h or 1h30m");
    }
    Duration d = Duration.ZERO;
    try {
      d = d.plusHours(m.group(1) == null ? 0 : Long.parseLong(m.group(1)))
          .plusMinutes(m.group(2) == null ? 0 : Long.parseLong(m.group(2)))
          .plusSeconds(m.group(3) == null ? 0 : Long.parseLong(m.group(3)));
    } catch (NumberFormatException | ArithmeticException e) {
      throw new CliOptions.UsageException("--" + name + " is too long");
    }
    if (name.equals("duration") && (d.compareTo(Duration.ofMinutes(15)) < 0 || d.compareTo(Duration.ofHours(12)) > 0)) {
      throw new CliOptions.UsageException("--duration must be 15m to 12h (the STS limits)");
    }
    return Optional.of(d);
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
