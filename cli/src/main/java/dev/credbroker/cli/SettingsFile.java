package dev.credbroker.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The settings file: {@code name = value} lines with the long flag names, {@code #} comments. Read
 * from {@code --client-config FILE} ({@code CREDBROKER_CLIENT_CONFIG}), else from
 * {@code $XDG_CONFIG_HOME/credbroker/config} (default {@code ~/.config/credbroker/config}) if it
 * exists. It holds where the broker is and how to get a token, never a token or secret itself.
 */
final class SettingsFile {
  /** What a settings file may set; secrets (a token, a client secret) are refused. */
  static final Set<String> KEYS = Set.of("target", "plaintext", "ca-file", "cert-file", "key-file",
      "token-file", "timeout", "oauth-token-url", "client-id", "client-secret-file", "client-key-file",
      "client-key-id", "client-auth", "scope", "audience", "role", "duration", "cache-dir");

  private SettingsFile() {}

  static Map<String, String> load(Optional<String> explicit, Map<String, String> env)
      throws CliOptions.UsageException, IOException {
    Optional<Path> file = explicit.map(Path::of).or(() -> defaultPath(env).filter(Files::isRegularFile));
    if (file.isEmpty()) {
      return Map.of();
    }
    if (!Files.isRegularFile(file.get())) {
      throw new CliOptions.UsageException("settings file " + file.get() + " does not exist");
    }
    return parse(Files.readAllLines(file.get()), file.get());
  }

  static Optional<Path> defaultPath(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isEmpty()) {
      return Optional.of(Path.of(xdg, "credbroker", "config"));
    }
    String home = env.get("HOME");
    return home == null || home.isEmpty() ? Optional.empty()
        : Optional.of(Path.of(home, ".config", "credbroker", "config"));
  }

  static Map<String, String> parse(List<String> lines, Path file) throws CliOptions.UsageException {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String where = file + " line " + (i + 1);
      if (eq <= 0) {
        throw new CliOptions.UsageException(where + ": expected 'name = value'");
      }
      String name = line.substring(0, eq).strip();
      if (!KEYS.contains(name)) {
        throw new CliOptions.UsageException(where + ": unknown setting '" + CliOptions.abbreviate(name)
            + "'" + (name.contains("token") || name.contains("secret")
            ? " (tokens and secrets never go in this file; name a file holding them)" : ""));
      }
      if (out.put(name, line.substring(eq + 1).strip()) != null) {
        throw new CliOptions.UsageException(where + ": " + name + " set twice");
      }
    }
    return out;
  }
}
