package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.cli.testing.CliJar;
import dev.credbroker.cli.testing.Commands;
import dev.credbroker.server.testing.ProcessRunner;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file in {@code examples/} used as a user would: each config starts the shipped broker jar
 * ({@code java -jar credbroker-server.jar --config FILE}), is asked something real through the
 * shipped CLI jar, and stops cleanly on SIGTERM; the policy cases run through
 * {@code credbroker policy test}. A config is copied with only what cannot work in a test replaced
 * (the fixed ports, an absolute audit path, the example IdP), and each replaced text must still be
 * in the example, so an edited example fails here rather than drifting.
 */
class ExamplesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path EXAMPLES = Path.of(System.getProperty("user.dir")).resolve("../examples");
  private static final String LISTEN = "listen: 127.0.0.1:8443";
  private static final String ANY_PORT = "listen: 127.0.0.1:0";
  /** The metrics listener's fixed port: anything else on the host may hold it. */
  private static final String METRICS = "listen: 127.0.0.1:9464";

  @TempDir Path dir;

  /** A new example without a test that runs it fails here. */
  @Test
  void everyExample_isRunByATest() throws Exception {
    try (var files = Files.list(EXAMPLES)) {
      assertEquals(java.util.Set.of(
          "quickstart.yaml", "policy.yaml", "policy-cases.yaml", // here
          "dev.yaml", // QuickstartIT: the --dev broker of the README's transcript
          "java-service"), // built by client-shaded's invoker run, run by ExampleServiceIT
          files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
    }
  }

  @Test
  void quickstart_startsServesHealthAndRecordsARefusedToken() throws Exception {
    Path config = copy("quickstart.yaml", Map.of(LISTEN, ANY_PORT, METRICS, ANY_PORT));

    try (ProcessRunner broker = startBroker(config)) {
      String target = awaitListening(broker);
      assertEquals(ServingStatus.SERVING, health(target));

      Commands.Result refused = CliJar.run(Map.of("CREDBROKER_TOKEN", "a.b.c"), "whoami", "--target", target,
          "--plaintext");
      assertEquals(3, refused.exit(), refused.toString());
      assertTrue(refused.output().startsWith("credbroker: broker answered UNAUTHENTICATED"), refused.toString());

      Commands.Result records = CliJar.run(Map.of(), "audit", "search", "--file",
          dir.resolve("quickstart-audit.jsonl").toString(), "--format", "json");
      assertEquals(0, records.exit(), records.toString());
      assertTrue(records.output().contains("\"rpc\":\"WhoAmI\",\"decision\":\"deny\",\"status\":\"UNAUTHENTICATED\""),
          records.toString());

      stop(broker);
    }
  }

  @Test
  void policy_grantsWhatItsRulesSay_toTokensOfAnIssuer() throws Exception {
    MockOAuth2Server idp = new MockOAuth2Server();
    idp.start(InetAddress.getLoopbackAddress(), 0);
    try {
      String issuer = idp.issuerUrl("corp").toString();
      Path config = copy("policy.yaml", Map.of(LISTEN, ANY_PORT, METRICS, ANY_PORT,
          "https://idp.example.com/realms/corp", issuer,
          "/var/log/credbroker/audit.jsonl", dir.resolve("audit.jsonl").toString()));
      String alice = idp.issueToken("corp", "alice", "credential-broker", Map.of(
          "realm_access", Map.of("roles", List.of("payments-deployer")), "groups", List.of("payments"),
          "preferred_username", "alice", "email", "alice@example.com"), 3600).serialize();
      String contractor = idp.issueToken("corp", "eve", "credential-broker", Map.of(
          "realm_access", Map.of("roles", List.of("payments-deployer")),
          "email", "eve@contractor.example"), 3600).serialize();

      try (ProcessRunner broker = startBroker(config)) {
        String target = awaitListening(broker);

        Commands.Result granted = CliJar.run(Map.of("CREDBROKER_TOKEN", alice), "entitlements", "--target",
            target, "--plaintext");
        assertEquals(0, granted.exit(), granted.toString());
        String json = granted.output().replaceAll("\\s+", "");
        assertTrue(json.contains("\"role\":\"payments-deployer\""), granted.toString());
        assertTrue(json.contains("\"maxDuration\":\"3600s\",\"ruleIds\":[\"payments-services\"]"),
            granted.toString());
        assertTrue(json.contains("\"secret\":\"payments-db\""), granted.toString());
        assertFalse(json.contains("\"readonly\""), "not from the office network: " + granted);

        Commands.Result denied = CliJar.run(Map.of("CREDBROKER_TOKEN", contractor), "entitlements",
            "--target", target, "--plaintext");
        assertEquals(0, denied.exit(), denied.toString());
        assertFalse(denied.output().contains("payments"), "no-contractors wins: " + denied);

        stop(broker);
      }
    } finally {
      idp.shutdown();
    }
  }

  @Test
  void policyCases_passAgainstThePolicyExample() throws Exception {
    Commands.Result r = CliJar.run(Map.of(), "policy", "test", "--config", EXAMPLES.resolve("policy.yaml").toString(),
        EXAMPLES.resolve("policy-cases.yaml").toString());

    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.output().strip().endsWith("5 passed, 0 failed"), r.toString());
  }

  /** The example copied into the test's folder, with each {@code from} text (which must be there) replaced. */
  private Path copy(String example, Map<String, String> replacements) throws Exception {
    String text = Files.readString(EXAMPLES.resolve(example));
    for (Map.Entry<String, String> r : replacements.entrySet()) {
      assertTrue(text.contains(r.getKey()), example + " no longer contains '" + r.getKey()
          + "': update this test with the example");
      text = text.replace(r.getKey(), r.getValue());
    }
    return Files.writeString(dir.resolve(example), text);
  }

  private static ProcessRunner startBroker(Path config) throws Exception {
    return ProcessRunner.start(List.of(ProcessRunner.javaBin(), "-jar",
        System.getProperty("credbroker.serverJar"), "--config", config.toString()));
  }

  private static String awaitListening(ProcessRunner broker) throws InterruptedException {
    return "127.0.0.1:" + broker.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1);
  }

  private static void stop(ProcessRunner broker) throws Exception {
    broker.terminate();
    assertEquals(0, broker.awaitExit(WAIT), broker.output());
    assertTrue(broker.output().contains("audit log closed"), broker.output());
  }

  private static ServingStatus health(String target) throws InterruptedException {
    ManagedChannel channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    try {
      return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
