package dev.credbroker.client.cli;

import java.io.PrintStream;

/**
 * Entry point of the {@code credbroker} command. Subcommands arrive with the client library
 * (credential-process, serve, exec, update, get-secret, whoami, entitlements, policy, audit).
 */
public final class CredbrokerCli {
  static final int EXIT_OK = 0;
  static final int EXIT_USAGE = 2;

  static final String USAGE = """
      usage: credbroker COMMAND [OPTIONS]
        --version    print the version and exit
        --help       print this help and exit
      exit codes: 0 success, 2 bad usage""";

  private CredbrokerCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 1 && ("--help".equals(args[0]) || "-h".equals(args[0]))) {
      out.println(USAGE);
      return EXIT_OK;
    }
    if (args.length == 1 && "--version".equals(args[0])) {
      String v = CredbrokerCli.class.getPackage().getImplementationVersion();
      out.println("credbroker " + (v == null ? "development build" : v));
      return EXIT_OK;
    }
    err.println("credbroker: " + (args.length == 0 ? "no command given" : "unknown command '"
        + (args[0].length() > 40 ? args[0].substring(0, 40) + "..." : args[0]) + "'")
        + "; see --help");
    return EXIT_USAGE;
  }
}
