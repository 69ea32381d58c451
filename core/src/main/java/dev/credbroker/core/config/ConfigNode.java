package dev.credbroker.core.config;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One YAML mapping being bound to a record. It remembers which keys were read, so that whatever is
 * left over after binding can be reported as unknown, with the nearest known key as a suggestion.
 * Every error names the full key path.
 */
final class ConfigNode {
  private final String path;
  private final Map<String, Object> values;
  private final Path baseDir;
  private final boolean checkFiles;
  private final Set<String> known = new LinkedHashSet<>();

  private ConfigNode(String path, Map<String, Object> values, Path baseDir, boolean checkFiles) {
    this.path = path;
    this.values = values;
    this.baseDir = baseDir;
    this.checkFiles = checkFiles;
  }

  /**
   * The whole document. {@code checkFiles}: whether {@link #readableFile} checks that the file is
   * there (false when a configuration is reviewed away from the machine it runs on).
   */
  static ConfigNode root(Object document, Path baseDir, boolean checkFiles) throws ConfigException {
    if (document == null) {
      return new ConfigNode("", Map.of(), baseDir, checkFiles);
    }
    return new ConfigNode("", asMapping("", document), baseDir, checkFiles);
  }

  String path() {
    return path;
  }

  String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** A nested mapping; an empty one when the key is absent, so defaults apply uniformly. */
  ConfigNode mapping(String key) throws ConfigException {
    Object raw = raw(key);
    Map<String, Object> map = raw == null ? Map.of() : asMapping(pathOf(key), raw);
    return new ConfigNode(pathOf(key), map, baseDir, checkFiles);
  }

  /** A nested mapping that is absent unless written. */
  Optional<ConfigNode> optionalMapping(String key) throws ConfigException {
    return has(key) ? Optional.of(mapping(key)) : Optional.empty();
  }

  /** Elements of a sequence of mappings; empty when absent. */
  List<ConfigNode> mappingList(String key) throws ConfigException {
    Object raw = raw(key);
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof List<?> list)) {
      throw new ConfigException(pathOf(key), "expected a list (lines starting with '- ')");
    }
    List<ConfigNode> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String p = pathOf(key) + "[" + i + "]";
      out.add(new ConfigNode(p, asMapping(p, list.get(i)), baseDir, checkFiles));
    }
    return List.copyOf(out);
  }

  /** A list of text values; a single value is accepted as a list of one. */
  List<String> stringList(String key) throws ConfigException {
    Object raw = raw(key);
    if (raw == null) {
      return List.of();
    }
    List<?> list = raw instanceof List<?> l ? l : List.of(raw);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String s) || s.isBlank()) {
        throw new ConfigException(pathOf(key) + "[" + i + "]",
            "expected non-empty text, got " + describe(list.get(i)));
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  /** The keys written in this mapping, in file order (e.g. role aliases). */
  java.util.Set<String> keys() {
    known.addAll(values.keySet());
    return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(values.keySet()));
  }

  /** The raw value of a key, for polymorphic sections such as rule conditions. */
  Object value(String key) throws ConfigException {
    return raw(key);
  }

  /** A child node for an arbitrary value that must be a mapping, with a path of its own. */
  ConfigNode child(String path, Object value) throws ConfigException {
    return new ConfigNode(path, asMapping(path, value), baseDir, checkFiles);
  }

  boolean has(String key) throws ConfigException {
    return raw(key) != null;
  }

  Optional<String> string(String key) throws ConfigException {
    Object raw = raw(key);
    if (raw == null) {
      return Optional.empty();
    }
    if (!(raw instanceof String s)) {
      throw new ConfigException(pathOf(key), "expected text, got " + describe(raw));
    }
    return Optional.of(s);
  }

  String requiredString(String key, String example) throws ConfigException {
    Optional<String> s = string(key);
    if (s.isEmpty() || s.get().isBlank()) {
      throw new ConfigException(pathOf(key), "required; write for example " + key + ": " + example);
    }
    return s.get();
  }

  Optional<Boolean> bool(String key) throws ConfigException {
    Object raw = raw(key);
    if (raw == null) {
      return Optional.empty();
    }
    if (!(raw instanceof Boolean b)) {
      throw new ConfigException(pathOf(key), "expected true or false, got " + describe(raw));
    }
    return Optional.of(b);
  }

  Optional<Long> integer(String key, long min, long max) throws ConfigException {
    Object raw = raw(key);
    if (raw == null) {
      return Optional.empty();
    }
    if (!(raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger)) {
      throw new ConfigException(pathOf(key), "expected a whole number, got " + describe(raw));
    }
    BigInteger v = new BigInteger(raw.toString());
    if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new ConfigException(pathOf(key), "must be between " + min + " and " + max + ", got " + v);
    }
    return Optional.of(v.longValue());
  }

  /**
   * A number, whole or decimal, between {@code min} and {@code max}; text ({@code "10/s"}),
   * {@code .nan} and {@code .inf} are refused naming the key.
   */
  Optional<Double> decimal(String key, double min, double max) throws ConfigException {
    Object raw = raw(key);
    if (raw == null) {
      return Optional.empty();
    }
    if (!(raw instanceof Number number) || raw instanceof Double d && d.isNaN()) {
      throw new ConfigException(pathOf(key), "expected a number, got " + describe(raw));
    }
    double v = number.doubleValue();
    if (!(v >= min && v <= max)) {
      throw new ConfigException(pathOf(key), "must be between " + plain(min) + " and "
          + plain(max) + ", got " + quote(raw.toString()));
    }
    return Optional.of(v);
  }

  private static String plain(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  Optional<Duration> duration(String key, Duration min, Duration max) throws ConfigException {
    Optional<Duration> d = parsed(key, Durations::parse);
    if (d.isPresent() && (d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0)) {
      throw new ConfigException(pathOf(key), "must be between " + Durations.format(min)
          + " and " + Durations.format(max) + ", got " + Durations.format(d.get()));
    }
    return d;
  }

  Optional<Long> dataSize(String key, long min, long max) throws ConfigException {
    Optional<Long> size = parsed(key, DataSizes::parse);
    if (size.isPresent() && (size.get() < min || size.get() > max)) {
      throw new ConfigException(pathOf(key), "must be between " + min + " and " + max
          + " bytes, got " + size.get());
    }
    return size;
  }

  <E extends Enum<E>> Optional<E> enumValue(String key, Class<E> type) throws ConfigException {
    Optional<String> s = string(key);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(s.get())) {
        return Optional.of(e);
      }
    }
    Set<String> names = new TreeSet<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw new ConfigException(pathOf(key), "expected one of " + String.join(", ", names)
        + ", got " + quote(s.get()));
  }

  /** A path resolved against the config file's folder; it need not exist yet. */
  /** A file named {@code name} in the config file's folder: where defaults live beside it. */
  Path besideConfig(String name) {
    return baseDir.resolve(name).toAbsolutePath().normalize();
  }

  Optional<Path> path(String key) throws ConfigException {
    Optional<String> s = string(key);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(baseDir.resolve(s.get()).toAbsolutePath().normalize());
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException(pathOf(key), "not a valid file path: " + quote(s.get()));
    }
  }

  /**
   * A path to a readable regular file, resolved against the config file's folder; when files are
   * not checked (offline), only resolved.
   */
  Optional<Path> readableFile(String key) throws ConfigException {
    Optional<Path> resolved = path(key);
    if (resolved.isEmpty() || !checkFiles) {
      return resolved;
    }
    Path file = resolved.get();
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(pathOf(key), "file not found: " + file
          + " (write the path of an existing file; relative paths start at the config file's folder)");
    }
    if (!Files.isReadable(file)) {
      throw new ConfigException(pathOf(key), "file not readable by this user: " + file);
    }
    return Optional.of(file);
  }

  /** Throws naming the first key that nothing read, with the closest known key as a hint. */
  void rejectUnknownKeys() throws ConfigException {
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        String hint = closest(key)
            .map(k -> "; did you mean '" + k + "'?")
            .orElse(known.isEmpty() ? "; this section takes no keys"
                : "; known keys here: " + String.join(", ", known));
        throw new ConfigException(pathOf(key), "unknown key" + hint);
      }
    }
  }

  private <T> Optional<T> parsed(String key, Function<String, T> parser) throws ConfigException {
    Object raw = raw(key);
    if (raw == null) {
      return Optional.empty();
    }
    if (raw instanceof Map<?, ?> || raw instanceof List<?>) {
      throw new ConfigException(pathOf(key), "expected a single value, got " + describe(raw));
    }
    try {
      return Optional.of(parser.apply(raw.toString()));
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new ConfigException(pathOf(key), e.getMessage() + ", got " + quote(raw.toString()));
    }
  }

  private Object raw(String key) throws ConfigException {
    known.add(key);
    Object value = values.get(key);
    if (value == null && values.containsKey(key)) {
      throw new ConfigException(pathOf(key), "has no value; write one or remove the key");
    }
    return value;
  }

  private Optional<String> closest(String key) {
    return known.stream()
        .filter(k -> editDistance(k, key) <= Math.max(2, key.length() / 3))
        .min(Comparator.comparingInt(k -> editDistance(k, key)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMapping(String path, Object raw) throws ConfigException {
    if (!(raw instanceof Map<?, ?> map)) {
      throw new ConfigException(path, "expected a mapping (key: value lines), got " + describe(raw));
    }
    for (Object k : map.keySet()) {
      if (!(k instanceof String)) {
        throw new ConfigException(path, "keys must be text, got " + describe(k));
      }
    }
    return (Map<String, Object>) map;
  }

  static String describe(Object raw) {
    if (raw instanceof Map<?, ?>) {
      return "a mapping";
    }
    if (raw instanceof List<?>) {
      return "a list";
    }
    if (raw instanceof String s) {
      return "text " + quote(s);
    }
    return raw instanceof Boolean ? "'" + raw + "' (a boolean)" : "'" + raw + "' (a number)";
  }

  /** A value from the file, shortened and on one line, for messages. */
  static String quote(String s) {
    String one = s.replaceAll("[\\r\\n\\t]+", " ");
    return "'" + (one.length() > 40 ? one.substring(0, 40) + "..." : one) + "'";
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
