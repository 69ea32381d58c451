package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.testing.RealBroker;
import dev.credbroker.client.token.TokenSource;
import dev.credbroker.server.testing.ProcessRunner;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/java-service as its users run it: built by Maven (client-shaded's invoker run) against
 * the shaded credbroker-client and its reduced POM, with protobuf-java 3.25 on its class path,
 * started as its own JVM against a real broker, asking FakeSts who it is through the AWS SDK.
 */
class ExampleServiceIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Path EXAMPLE = Path.of(System.getProperty("credbroker.exampleService"));
  private static final String ARN = "arn:aws:sts::123456789012:assumed-role/deployer/alice";

  @TempDir static Path dir;
  private static RealBroker broker;
  private static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    broker = RealBroker.start(Clock.systemUTC());
    Path token = Files.writeString(dir.resolve("token"), broker.token("alice"));
    // A cold broker's first call (JWKS, STS, the JIT) can take seconds on a loaded machine; the
    // example's 10 s deadline is about the example, so the broker is warmed up first.
    try (BrokerClient warmUp = BrokerClient.builder().target(broker.target()).plaintext()
        .deadline(Duration.ofSeconds(90)).tokenSource(TokenSource.fromFile(token)).build()) {
      warmUp.getAwsCredentials("deployer");
    }
    env = Map.of("CREDBROKER_TARGET", broker.target(), "CREDBROKER_TOKEN_FILE", token.toString(),
        "CREDBROKER_ROLE", "deployer", "AWS_REGION", "us-east-1",
        "AWS_ENDPOINT_URL_STS", broker.sts().endpoint().toString(), "AWS_EC2_METADATA_DISABLED", "true");
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void exampleWithTheShadedClientAndProtobuf325_getsCredentialsAndCallsSts() throws Exception {
    List<String> lib = lib();
    assertTrue(lib.contains("protobuf-java-3.25.5.jar"), lib.toString());
    assertTrue(lib.stream().noneMatch(j -> j.startsWith("grpc-") || j.startsWith("guava")
        || j.startsWith("netty") || j.startsWith("caffeine") || j.startsWith("nimbus")),
        "gRPC and the rest are inside credbroker-client: " + lib);

    try (ProcessRunner service = ProcessRunner.start(List.of(ProcessRunner.javaBin(), "-cp",
        EXAMPLE.resolve("target/java-service-1.0.jar") + File.pathSeparator + EXAMPLE.resolve("target/lib/*"),
        "com.example.Main"), env)) {
      assertEquals(0, service.awaitExit(WAIT), service.output());
      assertTrue(service.output().contains("caller: " + ARN), service.output());
      assertTrue(service.output().contains("protobuf: com.google.protobuf.Timestamp"), service.output());
    }
  }

  /**
   * The same service on the unshaded library (credbroker-client-grpc, built for protobuf 4) fails,
   * as the issue reported, but at once and with the missing class named: not a deadline.
   */
  @Test
  void exampleWithTheUnshadedClientAndProtobuf325_failsAtOnceNamingTheMissingClass() throws Exception {
    List<String> cp = new ArrayList<>();
    cp.add(EXAMPLE.resolve("target/java-service-1.0.jar").toString());
    for (String jar : lib()) {
      if (!jar.startsWith("credbroker-client")) {
        cp.add(EXAMPLE.resolve("target/lib").resolve(jar).toString()); // protobuf 3.25 among them
      }
    }
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (Stream.of("credbroker-client-grpc", "credbroker-proto", "/client/target/classes",
          "/proto/target/classes", "/grpc-", "/guava-", "/failureaccess-", "/perfmark-", "/caffeine-",
          "/nimbus-jose-jwt-", "/proto-google-common-protos-", "/gson-").anyMatch(entry::contains)) {
        cp.add(entry);
      }
    }
    try (ProcessRunner service = ProcessRunner.start(List.of(ProcessRunner.javaBin(), "-cp",
        String.join(File.pathSeparator, cp), "com.example.Main"), env)) {
      assertNotEquals(0, service.awaitExit(WAIT), service.output());
      String out = service.output();
      assertTrue(out.contains("NoClassDefFoundError") && out.contains("com/google/protobuf/"), out);
      assertFalse(out.contains("DEADLINE_EXCEEDED"), out);
    }
  }

  private static List<String> lib() throws IOException {
    try (Stream<Path> jars = Files.list(EXAMPLE.resolve("target/lib"))) {
      return jars.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
