package dev.credbroker.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Flags of one subcommand, parsed strictly ({@code --name value} or {@code --name=value}). Every
 * setting is looked up in three layers, first match wins: the flag, the {@code CREDBROKER_<NAME>}
 * environment variable, and the settings file ({@link SettingsFile}).
 */
final class CliOptions {
  static final int FLAG = 0;
  static final int ENV = 1;
  static final int FILE = 2;
  static final int ABSENT = 3;

  private final Map<String, String> values;
  private final Map<String, String> env;
  private final Map<String, String> file;

  private CliOptions(Map<String, String> values, Map<String, String> env, Map<String, String> file) {
    this.values = values;
    this.env = env;
    this.file = file;
  }

  static CliOptions parse(List<String> args, Set<String> valued, Set<String> switches,
      Map<String, String> env) throws UsageException {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      String key = name.startsWith("--") ? name.substring(2) : "";
      if (valued.contains(key)) {
        if (value == null) {
          if (i + 1 >= args.size()) {
            throw new UsageException(name + " needs a value");
          }
          value = args.get(++i);
        }
      } else if (switches.contains(key) && value == null) {
        value = "true";
      } else {
        throw new UsageException("unknown option '" + abbreviate(arg) + "'");
      }
      if (values.put(key, value) != null) {
        throw new UsageException(name + " given twice");
      }
    }
    return new CliOptions(values, env, Map.of());
  }

  /** The same options with the settings file (named by --client-config, or the default one) below them. */
  CliOptions withSettingsFile() throws UsageException, java.io.IOException {
    return new CliOptions(values, env, SettingsFile.load(get("client-config"), env));
  }

  /** The flag's value, else {@code CREDBROKER_<NAME>}, else the settings file's. */
  Optional<String> get(String name) {
    String v = values.get(name);
    if (v == null) {
      v = env.get(envName(name));
    }
    if (v == null) {
      v = file.get(name);
    }
    return Optional.ofNullable(v).filter(s -> !s.isEmpty());
  }

  /** Which layer {@link #get} takes the value from: FLAG, ENV, FILE or ABSENT. */
  int layer(String name) {
    if (values.containsKey(name)) {
      return FLAG;
    }
    String e = env.get(envName(name));
    if (e != null && !e.isEmpty()) {
      return ENV;
    }
    return file.containsKey(name) ? FILE : ABSENT;
  }

  boolean isSet(String name) {
    return get(name).map(v -> v.equals("true") || v.equals("1")).orElse(false);
  }

  Optional<Path> path(String name) {
    return get(name).map(Path::of);
  }

  /** A setting that must be given, with the flag to name in the error. */
  String required(String name) throws UsageException {
    return get(name).orElseThrow(() -> new UsageException("--" + name + " is required"));
  }

  Map<String, String> env() {
    return env;
  }

  static String envName(String name) {
    return "CREDBROKER_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  static String abbreviate(String s) {
    return dev.credbroker.client.internal.Targets.abbreviate(s);
  }

  /** Bad usage; exit code 2. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
