package dev.credbroker.client.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Flags of one subcommand, parsed strictly ({@code --name value} or {@code --name=value}), with
 * {@code CREDBROKER_*} environment variables as the fallback for every flag.
 */
final class CliOptions {
  private final Map<String, String> values;
  private final Map<String, String> env;

  private CliOptions(Map<String, String> values, Map<String, String> env) {
    this.values = values;
    this.env = env;
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
    return new CliOptions(values, env);
  }

  /** The flag's value, else {@code CREDBROKER_<NAME>} from the environment. */
  Optional<String> get(String name) {
    String v = values.get(name);
    if (v == null) {
      v = env.get("CREDBROKER_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
    return Optional.ofNullable(v).filter(s -> !s.isEmpty());
  }

  boolean isSet(String name) {
    return get(name).map(v -> v.equals("true") || v.equals("1")).orElse(false);
  }

  Optional<Path> path(String name) {
    return get(name).map(Path::of);
  }

  static String abbreviate(String s) {
    return s.length() > 24 ? s.substring(0, 24) + "..." : s;
  }

  /** Bad usage; exit code 2. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
