package dev.credbroker.server;

import dev.credbroker.server.testing.DevBanner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.server.testing.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as shipped (in --dev mode), called by a client generated in another language
 * (Python, from the published .proto files with Debian's protoc and grpc_python_plugin) that lists
 * services by reflection, checks health and authenticates with the printed token.
 */
class ExecutableJarIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void shadedJar_servesPythonClientGeneratedFromPublishedProtos() throws Exception {
    Path jar = Path.of(System.getProperty("credbroker.serverJar"));
    Path protos = Path.of(System.getProperty("credbroker.protoDir"));
    Path config = Files.writeString(dir.resolve("config.yaml"), "server: {listen: 127.0.0.1:0}\nmetrics: {listen: 127.0.0.1:0}\n");

    try (ProcessRunner broker = ProcessRunner.start(List.of(ProcessRunner.javaBin(), "-jar",
        jar.toString(), "--dev", "--config", config.toString()))) {
      String port = broker.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1);
      String token = DevBanner.token(broker, WAIT);

      try (ProcessRunner python = ProcessRunner.start(List.of("/usr/bin/python3",
          Path.of("src/test/interop/python_client.py").toAbsolutePath().toString(),
          "--target", "127.0.0.1:" + port, "--proto-dir", protos.toString(), "--token", token))) {
        assertEquals(0, python.awaitExit(WAIT), python.output()
            + "\n(needs Debian packages python3-grpcio protobuf-compiler protobuf-compiler-grpc"
            + " grpc-proto: run scripts/install-test-deps.sh)");
        List<String> lines = python.output().lines().toList();
        assertTrue(lines.containsAll(List.of("service: credbroker.v1.CredentialBroker",
            "service: credbroker.v1.AuditService", "service: grpc.health.v1.Health",
            "health: SERVING", "whoami: dev-user")), python.output());
      }

      broker.terminate();
      assertEquals(0, broker.awaitExit(WAIT), broker.output());
    }
  }
}
