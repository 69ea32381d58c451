package dev.credbroker.server.testing;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * One scrape of a broker's {@code /metrics}, parsed by the Prometheus Python client
 * ({@code server/src/test/interop/parse_scrape.py}, Debian's python3-prometheus-client), never by
 * regular expressions: the text, its samples, and lookups by sample name and labels.
 */
public final class Scrape {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** One sample: its name ({@code x_total}, {@code x_bucket}), labels and value. */
  public record Sample(String family, String type, String name, Map<String, String> labels,
      double value) {}

  private final String text;
  private final List<Sample> samples;

  private Scrape(String text, List<Sample> samples) {
    this.text = text;
    this.samples = List.copyOf(samples);
  }

  /** GETs {@code metrics} and parses it. */
  public static Scrape of(URI metrics) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(metrics).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + metrics + ": HTTP " + response.statusCode());
    }
    return parse(response.body());
  }

  /** Parses exposition text with the Python client. */
  public static Scrape parse(String text) throws IOException, InterruptedException {
    Process python = new ProcessBuilder("/usr/bin/python3",
        Path.of("src/test/interop/parse_scrape.py").toAbsolutePath().toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (OutputStream in = python.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!python.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || python.exitValue() != 0) {
      throw new AssertionError("the Prometheus parser refused the scrape (needs Debian package"
          + " python3-prometheus-client):\n" + text);
    }
    List<Sample> samples = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        Map<String, Object> o = JSONObjectUtils.parse(line);
        @SuppressWarnings("unchecked")
        Map<String, String> labels = (Map<String, String>) (Map<?, ?>) o.get("labels");
        samples.add(new Sample((String) o.get("family"), (String) o.get("type"),
            (String) o.get("name"), Map.copyOf(labels), ((Number) o.get("value")).doubleValue()));
      } catch (ParseException e) {
        throw new AssertionError("the parser printed something else than JSON: " + line, e);
      }
    }
    return new Scrape(text, samples);
  }

  public String text() {
    return text;
  }

  public List<Sample> samples() {
    return samples;
  }

  /** The value of the sample with this name and exactly these labels; 0 when there is none. */
  public double value(String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .mapToDouble(Sample::value).findFirst().orElse(0);
  }

  public double value(String name) {
    return value(name, Map.of());
  }

  /** Whether any sample has this name (with any labels). */
  public boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  /** Every family and sample name in the scrape. */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> {
      names.add(s.family());
      names.add(s.name());
    });
    return names;
  }
}
