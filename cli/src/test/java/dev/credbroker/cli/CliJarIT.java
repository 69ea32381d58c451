package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.cli.testing.CliJar;
import dev.credbroker.cli.testing.Commands;
import dev.credbroker.cli.testing.TlsBroker;
import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.server.testing.MutableClock;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped CLI jar as a new user meets it from a shell: help for each command, and the one
 * line it prints when something is wrong (nothing else: no gRPC log lines, no stack traces).
 */
class CliJarIT {
  private static final Map<String, String> TOKEN = Map.of("CREDBROKER_TOKEN", "a.b.c");

  @RegisterExtension final FakeBroker broker = FakeBroker.perTest(MutableClock.startingNow());
  @TempDir Path dir;

  @Test
  void commandHelp_printsThatCommandsUsage() throws Exception {
    Commands.Result r = CliJar.run(Map.of(), "credential-process", "--help");

    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.output().startsWith("usage: credbroker credential-process --role R"), r.toString());
    assertTrue(r.output().contains("--token-file FILE"), r.toString());
  }

  @Test
  void unknownOption_pointsToTheCommandsHelp() throws Exception {
    Commands.Result r = CliJar.run(Map.of(), "serve", "--rol", "deployer");

    assertEquals(2, r.exit(), r.toString());
    assertEquals("credbroker: unknown option '--rol'; see credbroker serve --help\n", r.output());
  }

  @Test
  void brokerNotListening_oneLineWithTheTargetAndTheCause() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }

    Commands.Result r = CliJar.run(TOKEN, "credential-process", "--role", "deployer", "--no-cache",
        "--target", "127.0.0.1:" + port, "--plaintext");

    assertEquals(1, r.exit(), r.toString());
    assertEquals("credbroker: cannot reach the broker at 127.0.0.1:" + port + ": connection refused\n",
        r.output());
  }

  @Test
  void nameThatDoesNotResolve_oneLine() throws Exception {
    Commands.Result r = CliJar.run(TOKEN, "whoami", "--target", "dns:///broker.invalid:8443");

    assertEquals(1, r.exit(), r.toString());
    assertEquals("credbroker: cannot reach the broker at dns:///broker.invalid:8443: the name broker.invalid"
        + " does not resolve (DNS)\n", r.output());
  }

  /**
   * The jar does TLS through the JDK (it leaves out netty-tcnative's native libraries): a trusted
   * broker answers, an untrusted one is the same line as in process (UnreachableBrokerTest).
   */
  @Test
  void tls_throughTheJdk_trustedAnswers_untrustedIsOneLine() throws Exception {
    try (TlsBroker tls = TlsBroker.start(broker, dir)) {
      String target = tls.target();

      Commands.Result trusted = CliJar.run(TOKEN, "credential-process", "--role", "r", "--no-cache",
          "--target", target, "--ca-file", tls.caCert().toString());
      Commands.Result untrusted = CliJar.run(TOKEN, "whoami", "--target", target);

      assertEquals(0, trusted.exit(), trusted.toString());
      assertTrue(trusted.output().contains("\"AccessKeyId\""), trusted.toString());
      assertEquals(1, untrusted.exit(), untrusted.toString());
      assertEquals("credbroker: cannot reach the broker at " + target + ": TLS handshake failed: the"
          + " broker's certificate is not signed by a trusted CA\n", untrusted.output());
    }
  }

  /**
   * The command starts lean (docs/performance.md): it extracts no native library into the temp
   * folder (every connection is NIO) and does not load Netty's JDK Flight Recorder events for
   * its buffers (which load about a hundred of JFR's classes).
   */
  @Test
  void leanStart_noNativeLibraryExtracted_noFlightRecorderClasses() throws Exception {
    Path tmp = java.nio.file.Files.createDirectories(dir.resolve("tmp"));
    Path classes = dir.resolve("classes.log");

    Commands.Result r = CliJar.run(List.of("-Djava.io.tmpdir=" + tmp, "-Xlog:class+load=info:file=" + classes),
        TOKEN, "credential-process", "--role", "r", "--no-cache", "--target", broker.target(), "--plaintext");

    assertEquals(0, r.exit(), r.toString());
    try (var files = java.nio.file.Files.list(tmp)) {
      assertEquals(List.of(), files.map(Path::toString).toList(), "nothing written to the temp folder");
    }
    List<String> loaded = java.nio.file.Files.readAllLines(classes);
    assertTrue(loaded.stream().anyMatch(l -> l.contains("io.grpc.netty.shaded.io.netty.channel.nio.")),
        "the class log covers the connection");
    assertEquals(List.of(), loaded.stream().filter(l -> l.contains(" io.grpc.netty.shaded.io.netty.buffer.")
        && l.contains("Event source")).toList(), "Netty's buffer events (JFR) are off");
  }
}
