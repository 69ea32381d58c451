package dev.credbroker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A JFR recording of the broker (started and stopped with jcmd, so it covers one scenario only),
 * summarised from {@code jfr print}: where CPU samples land (the top frame, and every broker method
 * on the stack) and which classes and broker methods allocate the most.
 */
final class JfrProfile {
  private static final Pattern FRAME = Pattern.compile("^\\s+(\\S.*?\\))(?: line: \\d+)?.*$");
  private static final Pattern WEIGHT = Pattern.compile("weight = ([\\d.]+) (bytes|kB|MB|GB)");
  private static final Pattern CLASS = Pattern.compile("objectClass = (\\S+)");
  private static final String OURS = "dev.credbroker.";

  private JfrProfile() {}

  static void start(BrokerProcess broker, Path file) throws IOException, InterruptedException {
    broker.jcmd("JFR.start", "name=suite", "settings=profile", "filename=" + file);
  }

  static void stop(BrokerProcess broker) throws IOException, InterruptedException {
    broker.jcmd("JFR.stop", "name=suite");
  }

  /** Markdown tables of the {@code top} entries of each view. */
  static String summarise(Path recording, int top) throws IOException, InterruptedException {
    Counts self = new Counts();
    Counts inclusive = new Counts();
    Counts allocatedClass = new Counts();
    Counts allocatedBy = new Counts();
    long samples = 0;
    for (Event e : events(recording, "jdk.ExecutionSample")) {
      if (e.frames().isEmpty()) {
        continue;
      }
      samples++;
      self.add(e.frames().get(0), 1);
      Set<String> ours = new LinkedHashSet<>();
      e.frames().stream().filter(f -> f.startsWith(OURS)).forEach(ours::add);
      ours.forEach(f -> inclusive.add(f, 1));
    }
    for (Event e : events(recording, "jdk.ObjectAllocationSample")) {
      allocatedClass.add(e.objectClass(), e.weight());
      allocatedBy.add(e.frames().stream().filter(f -> f.startsWith(OURS)).findFirst()
          .orElse("(outside the broker's code)"), e.weight());
    }
    return "CPU samples: " + samples + ". Allocation samples are weighted by JFR's estimate of the"
        + " bytes they stand for.\n\n"
        + self.table("top frame (self time)", "share of CPU samples", top)
        + "\n" + inclusive.table("broker method on the stack (inclusive)", "share of CPU samples", top)
        + "\n" + allocatedClass.table("allocated class", "share of allocated bytes", top)
        + "\n" + allocatedBy.table("innermost broker method allocating", "share of allocated bytes", top);
  }

  private record Event(List<String> frames, String objectClass, long weight) {}

  private static List<Event> events(Path recording, String type) throws IOException, InterruptedException {
    String jfr = Path.of(System.getProperty("java.home"), "bin", "jfr").toString();
    Path text = Files.createTempFile("jfr-print", ".txt");
    try {
      Process print = new ProcessBuilder(jfr, "print", "--events", type, "--stack-depth", "64",
          recording.toString()).redirectErrorStream(true).redirectOutput(text.toFile()).start();
      if (!print.waitFor(5, TimeUnit.MINUTES) || print.exitValue() != 0) {
        print.destroyForcibly();
        throw new IOException("jfr print failed: " + Files.readString(text));
      }
      try (Stream<String> lines = Files.lines(text)) {
        return parse(type, lines.iterator());
      }
    } finally {
      Files.deleteIfExists(text);
    }
  }

  private static List<Event> parse(String type, Iterator<String> lines) {
    List<Event> out = new ArrayList<>();
    List<String> frames = null;
    String objectClass = "";
    long weight = 0;
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith(type + " {")) {
        frames = new ArrayList<>();
        objectClass = "";
        weight = 0;
      } else if (line.equals("}") && frames != null) {
        out.add(new Event(frames, objectClass, weight));
        frames = null;
      } else if (frames != null) {
        Matcher c = CLASS.matcher(line);
        Matcher w = WEIGHT.matcher(line);
        Matcher f = FRAME.matcher(line);
        if (c.find()) {
          objectClass = c.group(1);
        } else if (w.find()) {
          weight = bytes(Double.parseDouble(w.group(1)), w.group(2));
        } else if (line.startsWith("    ") && f.matches()) {
          frames.add(f.group(1));
        }
      }
    }
    return out;
  }

  private static long bytes(double n, String unit) {
    return (long) (n * switch (unit) {
      case "kB" -> 1024;
      case "MB" -> 1024 * 1024;
      case "GB" -> 1024 * 1024 * 1024;
      default -> 1;
    });
  }

  /** Totals per key, rendered as the top entries with their share of the whole. */
  private static final class Counts {
    private final Map<String, Long> totals = new HashMap<>();
    private long sum;

    void add(String key, long n) {
      totals.merge(key, n, Long::sum);
      sum += n;
    }

    String table(String what, String share, int top) {
      StringBuilder b = new StringBuilder("| " + what + " | " + share + " |\n|---|---|\n");
      totals.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(top)
          .forEach(e -> b.append("| `").append(e.getKey()).append("` | ")
              .append(String.format(Locale.ROOT, "%.1f%%", 100.0 * e.getValue() / Math.max(1, sum)))
              .append(" |\n"));
      return b.toString();
    }
  }
}
