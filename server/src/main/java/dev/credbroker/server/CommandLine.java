package dev.credbroker.server;

import java.nio.file.Path;
import java.util.Optional;

/** The broker's command-line flags, parsed strictly: an unknown or repeated flag is an error. */
record CommandLine(Optional<Path> config, boolean insecurePlaintext, boolean dev, DevAwsChoice aws,
    boolean help, boolean version) {

  /** Where {@code --dev} sends AWS calls: its own development endpoint, or real AWS. */
  enum DevAwsChoice { DEV, REAL }

  static final String USAGE = """
      usage: java -jar credbroker-server.jar --config FILE [--insecure-plaintext]
             java -jar credbroker-server.jar --dev [--config FILE] [--aws dev|real]
        --config FILE           the broker's YAML configuration (docs/configuration.md)
        --dev                   development mode: loopback only, with an embedded development
                                identity provider, an AWS development endpoint, a dev policy
                                (examples/dev.yaml, or --config's) and the commands to try it;
                                never in production
        --aws dev|real          with --dev: AWS calls go to the development endpoint (default)
                                or to real AWS with the SDK's default credentials
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
    DevAwsChoice aws = null;
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
        case "--aws" -> {
          if (aws != null) {
            throw new UsageException("--aws given twice");
          }
          if (value == null && i + 1 < args.length) {
            value = args[++i];
          }
          aws = switch (String.valueOf(value)) {
            case "dev" -> DevAwsChoice.DEV;
            case "real" -> DevAwsChoice.REAL;
            default -> throw new UsageException("--aws takes dev or real");
          };
        }
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
    if (aws != null && !dev) {
      throw new UsageException("--aws chooses where --dev sends AWS calls; it needs --dev");
    }
    return new CommandLine(Optional.ofNullable(config), insecure, dev,
        aws == null ? DevAwsChoice.DEV : aws, help, version);
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
