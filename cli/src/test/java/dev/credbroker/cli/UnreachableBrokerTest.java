package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.credbroker.cli.testing.TlsBroker;
import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.server.testing.MutableClock;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that cannot be reached is one line naming the target and the cause, whichever command
 * met it; an answer from the broker is still reported as the broker's.
 */
class UnreachableBrokerTest {
  private final MutableClock clock = MutableClock.startingNow();
  @RegisterExtension final FakeBroker broker = FakeBroker.perTest(clock);
  @TempDir Path dir;

  private CliRun run(String... args) {
    return CliRun.run(Map.of("CREDBROKER_TOKEN", "a.b.c", "HOME", dir.toString()), clock, args);
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void connectionRefused_sameLineForEveryCommand() throws Exception {
    String target = "127.0.0.1:" + closedPort();
    String line = "credbroker: cannot reach the broker at " + target + ": connection refused\n";
    for (List<String> command : List.of(List.of("whoami"), List.of("credential-process", "--role", "r"),
        List.of("serve", "--role", "r"), List.of("audit", "search"))) {
      List<String> args = new java.util.ArrayList<>(command);
      args.addAll(List.of("--target", target, "--plaintext"));

      CliRun r = run(args.toArray(String[]::new));

      assertEquals(1, r.exit(), command + ": " + r);
      assertEquals(line, r.err(), command.toString());
      assertEquals("", r.out(), command.toString());
    }
  }

  @Test
  void nameThatDoesNotResolve() {
    CliRun r = run("whoami", "--target", "broker.invalid:8443");

    assertEquals(1, r.exit(), r.toString());
    assertEquals("credbroker: cannot reach the broker at broker.invalid:8443: the name broker.invalid does"
        + " not resolve (DNS)\n", r.err());
  }

  @Test
  void tlsHandshakeFailures() throws Exception {
    try (TlsBroker tls = TlsBroker.start(broker, dir)) {
      String target = tls.target();
      CliRun untrusted = run("whoami", "--target", target);
      assertEquals(1, untrusted.exit(), untrusted.toString());
      assertEquals("credbroker: cannot reach the broker at " + target + ": TLS handshake failed: the broker's"
          + " certificate is not signed by a trusted CA\n", untrusted.err());

      CliRun plaintextToTls = run("whoami", "--target", target, "--plaintext");
      assertEquals("credbroker: cannot reach the broker at " + target + ": the connection closed while it was"
          + " set up (a TLS broker reached without TLS?)\n", plaintextToTls.err());

      CliRun trusted = run("credential-process", "--role", "r", "--no-cache", "--target", target, "--ca-file",
          tls.caCert().toString());
      assertEquals(0, trusted.exit(), "with the CA the handshake succeeds: " + trusted);
    }

    CliRun tlsToPlaintext = run("whoami", "--target", broker.target());
    assertEquals("credbroker: cannot reach the broker at " + broker.target() + ": TLS handshake failed: the"
        + " broker does not speak TLS (a plaintext broker?)\n", tlsToPlaintext.err());
  }

  /** A port that accepts connections and never speaks: the deadline passes before a connection. */
  @Test
  void noConnectionWithinTheDeadline() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String target = "127.0.0.1:" + silent.getLocalPort();

      CliRun r = run("whoami", "--target", target, "--plaintext", "--timeout", "1");

      assertEquals(1, r.exit(), r.toString());
      assertEquals("credbroker: cannot reach the broker at " + target + ": no connection within 1s (deadline)\n",
          r.err());
    }
  }

  @Test
  void connectedBrokerThatDoesNotAnswer() throws Exception {
    broker.hold();

    CliRun r = run("credential-process", "--role", "r", "--no-cache", "--target", broker.target(), "--plaintext",
        "--timeout", "1");

    assertEquals(1, r.exit(), r.toString());
    assertEquals("credbroker: no answer from the broker at " + broker.target() + " within 1s\n", r.err());
  }

  @Test
  void unavailableFromTheBroker_isTheBrokersAnswer() {
    Status down = Status.UNAVAILABLE.withDescription("the identity provider is unreachable");
    broker.failNext(down, down, down, down);

    CliRun r = run("credential-process", "--role", "r", "--no-cache", "--target", broker.target(), "--plaintext");

    assertEquals(1, r.exit(), r.toString());
    assertEquals("credbroker: broker answered UNAVAILABLE: the identity provider is unreachable\n", r.err());
  }
}
