package dev.credbroker.server;

import java.nio.file.Path;
import java.util.Optional;

/** The broker's command-line flags, parsed strictly: an unknown or repeated flag is an error. */
record CommandLine(Optional<Path> config, boolean insecurePlaintext, boolean dev, boolean help,
    boolean version) {

  static final String USAGE = """
      usage: java -jar credbroker-server.jar --config FILE [--insecure-plaintext]
             java -jar credbroker-server.jar --dev [--config FILE]
        --config FILE           the broker's YAML configuration (docs/configuration.md)
        --dev                   development mode: loopback only, with an embedded development
                                identity provider and a printed token; never in production
        --insecure-plaintext    allow plaintext gRPC on a non-loopback address (never in production)
        --version               print the version and exit
        --help                  print this help and exit
      exit codes: 0 stopped cleanly, 1 could not start or failed while running, 2 bad flags or config""";

  static CommandLine parse(String... args) throws UsageException {
    Path config = null;
    boolean insecure = false;
    boolean dev = false;
    boolean help = false;
    boolean version = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--config" -> {
          if (config != null) {
            throw new UsageException("--config given twice");
          }
          if (value == null) {
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
              throw new UsageException("--config needs a file: --config /etc/credbroker/config.yaml");
            }
            value = args[++i];
          }
          config = Path.of(value);
        }
        case "--insecure-plaintext" -> insecure = flag(arg, value, insecure);
        case "--dev" -> dev = flag(arg, value, dev);
        case "--help", "-h" -> help = true;
        case "--version" -> version = true;
        default -> throw new UsageException("unknown option '" + abbreviate(arg) + "'; see --help");
      }
    }
    if (config == null && !dev && !help && !version) {
      throw new UsageException("--config FILE is required (or --dev to try the broker); see --help");
    }
    if (dev && insecure) {
      throw new UsageException("--dev binds to loopback only; it cannot be combined with --insecure-plaintext");
    }
    return new CommandLine(Optional.ofNullable(config), insecure, dev, help, version);
  }

  private static boolean flag(String name, String value, boolean already) throws UsageException {
    if (value != null) {
      throw new UsageException(name + " takes no value");
    }
    if (already) {
      throw new UsageException(name + " given twice");
    }
    return true;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  /** Bad flags; the message is shown as is. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
