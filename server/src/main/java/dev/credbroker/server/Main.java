package dev.credbroker.server;

import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.config.BrokerConfig;
import dev.credbroker.server.config.ConfigException;
import dev.credbroker.server.config.ConfigLoader;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.devmode.DevModeBanner;
import dev.credbroker.server.grpc.BrokerServer;
import dev.credbroker.server.grpc.CredentialBrokerService;
import dev.credbroker.server.grpc.ServerStartException;
import dev.credbroker.server.ops.DaemonThreads;
import dev.credbroker.server.ops.LogSetup;
import dev.credbroker.server.ops.Signals;
import dev.credbroker.server.policy.PolicyEngine;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    LogSetup.bridgeJavaUtilLogging();
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
    Clock clock = Clock.systemUTC();
    ExecutorService io = Executors.newCachedThreadPool(DaemonThreads.named("credbroker-io"));
    Optional<DevIssuer> dev = Optional.empty();
    BrokerServer server;
    try {
      BrokerConfig config = cli.config().isPresent()
          ? ConfigLoader.load(cli.config().get()) : DevMode.defaultConfig();
      LogSetup.apply(config.logging());
      if (cli.dev()) {
        DevMode.requireLoopback(config);
        dev = Optional.of(DevIssuer.start(clock));
        config = config.withIssuer(dev.get().issuerConfig());
      }
      Authenticator authenticator = Authenticator.create(config.issuers(), clock, io);
      PolicyEngine policy = new PolicyEngine(config);
      server = BrokerServer.builder(config.server())
          .insecurePlaintext(cli.insecurePlaintext())
          .addService(new CredentialBrokerService(authenticator, () -> policy, clock))
          .build();
      Signals.onTerminate(server::shutdown, server::shutdownNow);
      server.start();
    } catch (ConfigException e) {
      err.println("credbroker: config error: " + e.getMessage());
      return EXIT_USAGE;
    } catch (ServerStartException e) {
      err.println("credbroker: cannot start: " + e.getMessage());
      return EXIT_FAILURE;
    } catch (IOException e) {
      err.println("credbroker: cannot start the development issuer: " + e.getMessage());
      return EXIT_FAILURE;
    } catch (RuntimeException e) {
      log.error("unexpected {} while starting: {}", e.getClass().getName(), e.getMessage());
      err.println("credbroker: cannot start: unexpected " + e.getClass().getSimpleName()
          + "; please report it with the log line above");
      return EXIT_FAILURE;
    }
    dev.ifPresent(issuer -> DevModeBanner.print(out, issuer, server.address()));
    try {
      server.awaitStopped();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdown();
    }
    dev.ifPresent(DevIssuer::close);
    io.shutdownNow();
    return EXIT_OK;
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }
}
