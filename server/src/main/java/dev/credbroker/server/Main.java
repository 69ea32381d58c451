package dev.credbroker.server;

import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.core.config.AwsConfig;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.config.CredentialsConfig;
import dev.credbroker.core.config.RateLimitsConfig;
import dev.credbroker.core.config.RevocationConfig;
import dev.credbroker.server.audit.AuditWriter;
import dev.credbroker.server.aws.CappedSecretsGateway;
import dev.credbroker.server.aws.CappedStsGateway;
import dev.credbroker.server.aws.MeteredSecretsGateway;
import dev.credbroker.server.aws.MeteredStsGateway;
import dev.credbroker.server.aws.RolePolicies;
import dev.credbroker.server.aws.SdkSecretsGateway;
import dev.credbroker.server.aws.SdkStsGateway;
import dev.credbroker.server.cache.CredentialCache;
import dev.credbroker.server.cache.CredentialVendor;
import dev.credbroker.server.cache.SecretCache;
import dev.credbroker.server.cache.SecretVendor;
import dev.credbroker.server.fleet.AuditSource;
import dev.credbroker.server.fleet.FleetStore;
import dev.credbroker.server.grpc.AdminService;
import dev.credbroker.server.grpc.AuditRecorder;
import dev.credbroker.server.grpc.AuditSearchService;
import dev.credbroker.server.grpc.BrokerServer;
import dev.credbroker.server.grpc.CredentialBrokerService;
import dev.credbroker.server.grpc.EventLoops;
import dev.credbroker.server.grpc.ServerStartException;
import dev.credbroker.server.limits.ConcurrencyCap;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.ops.DaemonThreads;
import dev.credbroker.server.ops.FileWatch;
import dev.credbroker.server.ops.LogSetup;
import dev.credbroker.server.ops.Signals;
import dev.credbroker.server.revocation.FileRevocationStore;
import dev.credbroker.server.revocation.IamRevocations;
import dev.credbroker.server.revocation.RevocationBook;
import dev.credbroker.server.revocation.RevocationEffects;
import dev.credbroker.server.revocation.Revoker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The broker process: reads flags and config, wires the parts together, serves until SIGTERM.
 * Every expected failure ends in one line on stderr and a documented exit code, never a stack
 * trace.
 */
public final class Main {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;
  /** Secret versions kept; each configured secret usually needs one or two. */
  static final long MAX_CACHED_SECRETS = 10_000;
  /** How often the config file is looked at for changes (one stat per look). */
  static final Duration CONFIG_POLL = Duration.ofSeconds(1);

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
    Optional<DevMode> dev = Optional.empty();
    Optional<FileWatch> watch = Optional.empty();
    Optional<SdkStsGateway> sts = Optional.empty();
    Optional<AuditWriter> audit = Optional.empty();
    Optional<FleetStore> fleet = Optional.empty();
    Optional<Path> auditFile = Optional.empty();
    Optional<SdkSecretsGateway> secretsManager = Optional.empty();
    Optional<Operations> operations = Optional.empty();
    Optional<BrokerServer> running = Optional.empty();
    Optional<RolePolicies> iam = Optional.empty();
    ScheduledExecutorService revocationPoll = Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.named("credbroker-revocations"));
    EventLoops network = EventLoops.start();
    BrokerServer server;
    BrokerConfig config;
    try {
      config = cli.config().isPresent()
          ? ConfigLoader.load(cli.config().get()) : DevMode.defaultConfig();
      LogSetup.apply(config.logging());
      UnaryOperator<BrokerConfig> adjust = UnaryOperator.identity();
      if (cli.dev()) {
        dev = Optional.of(DevMode.start(config, cli.aws(), clock));
        adjust = dev.get().adjust();
        config = adjust.apply(config);
      }
      BrokerMetrics metrics = config.metrics().enabled() ? BrokerMetrics.create()
          : BrokerMetrics.off(); // nothing would read them
      metrics.requests().expect(rpcNames());
      AuditConfig auditConfig = config.audit().orElseThrow(() -> new ConfigException("audit",
          "required: every decision is recorded; write for example"
              + " audit: {file: /var/log/credbroker/audit.jsonl}"));
      audit = Optional.of(AuditWriter.open(auditConfig, clock, network, metrics.audit()));
      auditFile = auditConfig.file();
      fleet = FleetStore.start(auditConfig, clock, metrics.audit()::shipperLag);
      Optional<AuditSource> searched = fleet.map(FleetStore::source)
          .or(() -> auditConfig.file().map(AuditSource::files));
      AuditRecorder recorder = new AuditRecorder(audit.get(), auditConfig.claims(), clock,
          metrics.requests());
      RevocationConfig revocation = config.revocation();
      RevocationBook book = new RevocationBook(fleet.map(FleetStore::revocations)
          .orElseGet(() -> new FileRevocationStore(revocation.file())), clock,
          Optional.of(revocation.failClosedAfter()));
      try {
        book.start();
      } catch (IOException unreadable) {
        if (fleet.isEmpty()) {
          throw unreadable; // a local file that cannot be read: fix it before serving
        }
        book.refresh(); // the store is down: counted as unreadable from now (fail_closed_after)
      }
      BrokerStates states = new BrokerStates(cli.config(), config, adjust, clock, io, metrics,
          book);
      metrics.auth().keySets(() -> states.get().authenticator().keySets(), clock);
      AwsConfig awsConfig = config.aws();
      Optional<AwsCredentialsProvider> devKey = dev.flatMap(DevMode::awsCredentials);
      sts = Optional.of(devKey.map(k -> SdkStsGateway.create(awsConfig, k, clock))
          .orElseGet(() -> SdkStsGateway.create(awsConfig, clock)));
      CredentialsConfig creds = config.credentials();
      RateLimitsConfig.AwsCalls awsCalls = config.rateLimits().aws();
      CredentialCache credentials = new CredentialCache(new CappedStsGateway(
          new MeteredStsGateway(sts.get(), metrics.aws()), new ConcurrencyCap("STS",
              awsCalls.sts(), awsCalls.maxWait())), io, clock, creds.minRemaining(),
          creds.refreshBefore(), creds.maxCached(), metrics.credentialCache());
      CredentialVendor vendor = new CredentialVendor(credentials, creds.defaultDuration());
      secretsManager = Optional.of(devKey.map(k -> SdkSecretsGateway.create(awsConfig, k))
          .orElseGet(() -> SdkSecretsGateway.create(awsConfig)));
      SecretCache secretCache = new SecretCache(new CappedSecretsGateway(
          new MeteredSecretsGateway(secretsManager.get(), metrics.aws()), new ConcurrencyCap(
              "Secrets Manager", awsCalls.secretsManager(), awsCalls.maxWait())), credentials, io,
          clock,
          MAX_CACHED_SECRETS, metrics.secretCache());
      SecretVendor secrets = new SecretVendor(secretCache, clock);
      iam = Optional.of(RolePolicies.create(awsConfig,
          devKey.orElseGet(() -> DefaultCredentialsProvider.builder().build())));
      Revoker revoker = new Revoker(book, Optional.of(new IamRevocations(iam.get(), clock)),
          () -> states.config().roles());
      book.onChange(new RevocationEffects(credentials, Optional.of(secretCache))::apply);
      long pollMillis = revocation.pollInterval().toMillis();
      revocationPoll.scheduleWithFixedDelay(() -> poll(revoker), 0, pollMillis,
          TimeUnit.MILLISECONDS);
      server = BrokerServer.builder(config.server())
          .insecurePlaintext(cli.insecurePlaintext())
          .eventLoops(network)
          .metrics(metrics)
          .audit(recorder)
          .addService(new CredentialBrokerService(states, vendor, secrets,
              config.aws().region().orElse(""), clock, recorder))
          .addService(new AuditSearchService(states, recorder, searched, io, clock))
          .addService(new AdminService(states, recorder, revoker, io, clock))
          .build();
      Signals.onTerminate(server::shutdown, server::shutdownNow);
      Signals.onHangup(states::reload);
      if (cli.config().isPresent()) {
        watch = Optional.of(FileWatch.start(cli.config().get(), CONFIG_POLL, states::reload));
      }
      Operations.check(config.metrics());
      StartupKeys.check(states.get().authenticator(), config.issuers());
      // The metrics listener first: a taken metrics.listen refuses the start before any gRPC
      // caller could reach a broker that is about to exit.
      operations = Optional.of(Operations.start(config.metrics(), metrics, server, states,
          audit.get(), CONFIG_POLL));
      server.start();
      running = Optional.of(server);
      operations.get().logAddress(config.metrics());
      audit.get().sealing().ifPresent(log::info);
    } catch (ConfigException | ServerStartException | IOException | RuntimeException e) {
      operations.ifPresent(Operations::close);
      running.ifPresent(BrokerServer::shutdownNow);
      release(audit, fleet, network, dev, sts, secretsManager, iam, watch, io, revocationPoll);
      return startFailure(e, err);
    }
    if (dev.isPresent()) {
      try {
        dev.get().printBanner(out, config, server.address(), auditFile);
      } catch (IOException e) {
        server.shutdownNow();
        operations.ifPresent(Operations::close);
        release(audit, fleet, network, dev, sts, secretsManager, iam, watch, io, revocationPoll);
        return startFailure(e, err);
      }
    }
    try {
      server.awaitStopped();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdown();
    }
    operations.ifPresent(Operations::close);
    release(audit, fleet, network, dev, sts, secretsManager, iam, watch, io, revocationPoll);
    return EXIT_OK;
  }

  /** One revocation poll; a surprise is logged and the next poll still runs. */
  private static void poll(Revoker revoker) {
    try {
      revoker.poll();
    } catch (RuntimeException e) {
      log.warn("revocation poll failed unexpectedly: {}", e.toString());
    }
  }

  private static int startFailure(Exception e, PrintStream err) {
    if (e instanceof ConfigException) {
      err.println("credbroker: config error: " + e.getMessage());
      return EXIT_USAGE;
    }
    if (e instanceof RuntimeException) {
      log.error("unexpected {} while starting: {}", e.getClass().getName(), e.getMessage());
      err.println("credbroker: cannot start: unexpected " + e.getClass().getSimpleName()
          + "; please report it with the log line above");
      return EXIT_FAILURE;
    }
    err.println("credbroker: cannot start: " + e.getMessage());
    return EXIT_FAILURE;
  }

  /**
   * Stops what started, in order: the audit log after the server, the shipper after the log, the
   * network threads last.
   */
  private static void release(Optional<AuditWriter> audit, Optional<FleetStore> fleet,
      EventLoops network, Optional<DevMode> dev, Optional<SdkStsGateway> sts,
      Optional<SdkSecretsGateway> secretsManager, Optional<RolePolicies> iam,
      Optional<FileWatch> watch, ExecutorService io, ExecutorService revocationPoll) {
    revocationPoll.shutdownNow();
    audit.ifPresent(AuditWriter::close);
    fleet.ifPresent(FleetStore::close); // after the writer: its last checkpoint is shipped too
    network.close();
    dev.ifPresent(DevMode::close);
    sts.ifPresent(SdkStsGateway::close);
    secretsManager.ifPresent(SdkSecretsGateway::close);
    iam.ifPresent(RolePolicies::close);
    watch.ifPresent(FileWatch::close);
    io.shutdownNow();
  }

  /** The bare names of the broker's RPCs, for metrics to export before their first call. */
  private static java.util.List<String> rpcNames() {
    return java.util.stream.Stream.of(dev.credbroker.proto.v1.CredentialBrokerGrpc
            .getServiceDescriptor(), dev.credbroker.proto.v1.AuditServiceGrpc.getServiceDescriptor(),
            dev.credbroker.proto.v1.AdminServiceGrpc.getServiceDescriptor())
        .flatMap(s -> s.getMethods().stream())
        .map(io.grpc.MethodDescriptor::getBareMethodName).toList();
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }
}
