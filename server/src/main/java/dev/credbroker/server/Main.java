package dev.credbroker.server;

import dev.credbroker.server.config.BrokerConfig;
import dev.credbroker.server.config.ConfigException;
import dev.credbroker.server.config.ConfigLoader;
import dev.credbroker.server.grpc.BrokerServer;
import dev.credbroker.server.grpc.ServerStartException;
import dev.credbroker.server.ops.LogSetup;
import dev.credbroker.server.ops.Signals;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker process: reads flags and config, wires the parts together, serves until SIGTERM.
 * Every expected failure ends in one line on stderr and a documented exit code, never a stack
 * trace.
 */
public final class Main {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli;
    try {
      cli = CommandLine.parse(args);
    } catch (CommandLine.UsageException e) {
      err.println("credbroker: " + e.getMessage());
      return EXIT_USAGE;
    }
    if (cli.help()) {
      out.println(CommandLine.USAGE);
      return EXIT_OK;
    }
    if (cli.version()) {
      out.println("credbroker " + version());
      return EXIT_OK;
    }
    BrokerServer server;
    try {
      BrokerConfig config = ConfigLoader.load(cli.config().orElseThrow());
      LogSetup.apply(config.logging());
      server = BrokerServer.builder(config.server())
          .insecurePlaintext(cli.insecurePlaintext())
          .build()
          .start();
    } catch (ConfigException e) {
      err.println("credbroker: config error: " + e.getMessage());
      return EXIT_USAGE;
    } catch (ServerStartException e) {
      err.println("credbroker: cannot start: " + e.getMessage());
      return EXIT_FAILURE;
    } catch (RuntimeException e) {
      log.error("unexpected failure while starting", e);
      err.println("credbroker: cannot start: unexpected " + e.getClass().getSimpleName()
          + "; see the log above");
      return EXIT_FAILURE;
    }
    Signals.onTerminate(server::shutdown);
    try {
      server.awaitStopped();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdown();
    }
    return EXIT_OK;
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }
}
