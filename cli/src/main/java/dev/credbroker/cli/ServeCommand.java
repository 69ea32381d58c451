package dev.credbroker.cli;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.provider.BrokerCredentialsProvider;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code credbroker serve --role R}: the container credentials endpoint for any AWS SDK, with the
 * credentials refreshed in the background. Prints the variables a consumer needs; the endpoint's
 * token goes to a private file ({@link EndpointTokenFile}) and only its path is printed, so it
 * never lands in a log. Runs until SIGTERM or SIGINT.
 */
final class ServeCommand {
  static final Set<String> VALUED = Set.of("role", "duration", "port", "bind", "endpoint-token-file");

  /** A running endpoint and what it needs stopped. */
  record Running(ContainerEndpoint endpoint, BrokerCredentialsProvider provider, BrokerClient client,
      EndpointTokenFile tokenFile) implements AutoCloseable {
    @Override
    public void close() throws java.io.IOException {
      endpoint.close();
      provider.close();
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

  /** Fetches the first credentials (failing fast), then binds and prints how to use the endpoint. */
  static Running start(List<String> args, Io io) throws Exception {
    CliOptions o = ClientFactory.options(args, VALUED, Set.of(), io.env());
    String role = o.required("role");
    InetAddress bind = loopback(o.get("bind").orElse("127.0.0.1"));
    int port = port(o);
    BrokerCredentialsProvider.Builder pb = BrokerCredentialsProvider.builder().role(role).clock(io.clock());
    Optional<Duration> duration = DurationText.option(o, "duration");
    duration.ifPresent(pb::duration);
    BrokerClient client = ClientFactory.create(o);
    BrokerCredentialsProvider provider = pb.client(client).build();
    try {
      DurationNotice.report(client, role, duration, provider.resolveSessionCredentials(), io);
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      EndpointTokenFile tokenFile = EndpointTokenFile.write(o.path("endpoint-token-file"), io.env(), token);
      ContainerEndpoint endpoint;
      try {
        endpoint = ContainerEndpoint.start(bind, port, token, provider::resolveSessionCredentials, io.clock());
      } catch (Exception | Error e) {
        tokenFile.close();
        throw e;
      }
      io.out().println("export AWS_CONTAINER_CREDENTIALS_FULL_URI=" + endpoint.uri());
      tokenFile.exports().forEach(io.out()::println);
      io.out().flush();
      io.err().println("credbroker: serving credentials for role '" + role + "' at " + endpoint.uri()
          + " until stopped (SIGTERM or Ctrl-C)");
      return new Running(endpoint, provider, client, tokenFile);
    } catch (Exception | Error e) {
      provider.close();
      client.close();
      throw e;
    }
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
