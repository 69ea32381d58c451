package dev.credbroker.cli;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.SessionCredentials;
import dev.credbroker.client.provider.BrokerCredentialsProvider;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code credbroker serve --role R [--role R2 ...] [--imds]}: the container credentials endpoint
 * for any AWS SDK, one path per role, and with {@code --imds} the credentials part of IMDSv2 on the
 * same port, with the credentials refreshed in the background. Prints the variables a consumer
 * needs; the endpoint's token goes to a private file ({@link EndpointTokenFile}) and only its path
 * is printed, so it never lands in a log. Runs until SIGTERM or SIGINT.
 */
final class ServeCommand {
  static final Set<String> VALUED = Set.of("duration", "port", "bind", "endpoint-token-file");
  static final Set<String> SWITCHES = Set.of("imds");

  /** A running endpoint and what it needs stopped. */
  record Running(ContainerEndpoint endpoint, List<BrokerCredentialsProvider> providers,
      BrokerClient client, EndpointTokenFile tokenFile) implements AutoCloseable {
    @Override
    public void close() throws java.io.IOException {
      endpoint.close();
      providers.forEach(BrokerCredentialsProvider::close);
      client.close();
      tokenFile.close();
    }
  }

  private ServeCommand() {}

  static int run(List<String> args, Io io) throws Exception {
    try (Running running = start(args, io)) {
      StopSignals.install(io.err()).await();
    }
    return CredbrokerCli.EXIT_OK;
  }

  /** Fetches the first credentials of every role (failing fast), then binds and prints how to use it. */
  static Running start(List<String> args, Io io) throws Exception {
    RepeatedOption roleFlags = RepeatedOption.take(args, "role");
    CliOptions o = ClientFactory.options(roleFlags.rest(), VALUED, SWITCHES, io.env());
    List<String> roles = roleFlags.values().isEmpty() ? List.of(o.required("role")) : roleFlags.values();
    InetAddress bind = loopback(o.get("bind").orElse("127.0.0.1"));
    int port = port(o);
    Optional<Duration> duration = DurationText.option(o, "duration");
    BrokerClient client = ClientFactory.create(o);
    List<BrokerCredentialsProvider> providers = new ArrayList<>();
    try {
      Map<String, Supplier<SessionCredentials>> sources = new LinkedHashMap<>();
      for (String role : roles) {
        BrokerCredentialsProvider.Builder pb = BrokerCredentialsProvider.builder().role(role).clock(io.clock());
        duration.ifPresent(pb::duration);
        BrokerCredentialsProvider provider = pb.client(client).build();
        providers.add(provider);
        DurationNotice.report(client, role, duration, provider.resolveSessionCredentials(), io);
        sources.put(role, provider::resolveSessionCredentials);
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      EndpointTokenFile tokenFile = EndpointTokenFile.write(o.path("endpoint-token-file"), io.env(), token);
      ContainerEndpoint endpoint;
      try {
        endpoint = ContainerEndpoint.start(bind, port, router(o.isSet("imds"), token, sources, io),
            io.clock(), EndpointLimits.DEFAULTS);
      } catch (Exception | Error e) {
        tokenFile.close();
        throw e;
      }
      io.out().println("export AWS_CONTAINER_CREDENTIALS_FULL_URI=" + endpoint.uri());
      tokenFile.exports().forEach(io.out()::println);
      if (o.isSet("imds")) {
        io.out().println("# or, for tools that only know the instance metadata service (role " + roles.get(0) + "):");
        io.out().println("# export AWS_EC2_METADATA_SERVICE_ENDPOINT=" + endpoint.uri("/"));
      }
      for (String role : roles.subList(1, roles.size())) {
        io.out().println("# role " + role + ": AWS_CONTAINER_CREDENTIALS_FULL_URI="
            + endpoint.uri(ContainerRoutes.PATH + "/" + role));
      }
      io.out().flush();
      io.err().println("credbroker: serving credentials for role" + (roles.size() > 1 ? "s " : " ")
          + String.join(", ", roles.stream().map(r -> "'" + r + "'").toList()) + " at " + endpoint.uri("/")
          + (o.isSet("imds") ? " (container endpoint and IMDSv2)" : "") + " until stopped (SIGTERM or Ctrl-C)");
      return new Running(endpoint, List.copyOf(providers), client, tokenFile);
    } catch (Exception | Error e) {
      providers.forEach(BrokerCredentialsProvider::close);
      client.close();
      throw e;
    }
  }

  /** The container endpoint's paths, and IMDS's under /latest/ when asked for. */
  private static Route.Router router(boolean imds, String token,
      Map<String, Supplier<SessionCredentials>> sources, Io io) {
    ContainerRoutes container = new ContainerRoutes(token, sources);
    if (!imds) {
      return container;
    }
    ImdsRoutes metadata = new ImdsRoutes(new ImdsTokens(io.clock()), sources, io.clock());
    return r -> ImdsRoutes.handles(r.path()) ? metadata.route(r) : container.route(r);
  }

  private static InetAddress loopback(String bind) throws CliOptions.UsageException {
    if (!bind.matches("[0-9A-Fa-f:.]{2,45}") && !bind.equals("localhost")) {
      throw new CliOptions.UsageException("--bind must be a loopback address literal (127.0.0.1 or ::1)");
    }
    try {
      InetAddress a = InetAddress.getByName(bind);
      if (!a.isLoopbackAddress()) {
        throw new CliOptions.UsageException("refusing to bind to " + a.getHostAddress()
            + ": the endpoint serves credentials to this machine only (use 127.0.0.1 or ::1)");
      }
      return a;
    } catch (UnknownHostException e) {
      throw new CliOptions.UsageException("--bind must be a loopback address literal (127.0.0.1 or ::1)");
    }
  }

  private static int port(CliOptions o) throws CliOptions.UsageException {
    try {
      int p = Integer.parseInt(o.get("port").orElse("0"));
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CliOptions.UsageException("--port must be 0 to 65535 (0: any free port)");
  }
}
