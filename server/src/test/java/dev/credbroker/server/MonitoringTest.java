package dev.credbroker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.testing.FakeSecretsManager;
import dev.credbroker.server.testing.FakeSts;
import dev.credbroker.server.testing.ProcessRunner;
import dev.credbroker.server.testing.Scrape;
import dev.credbroker.server.testing.TestPki;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The shipped alert rules and dashboard ({@code docs/monitoring/}) against the broker as it runs:
 * {@code promtool check rules} (Debian package {@code prometheus}) accepts the rules, and every
 * metric a rule or a panel names is in a scrape of a broker process (TLS, an identity provider, the
 * AWS fakes, an audit file) after a few calls.
 */
class MonitoringTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path MONITORING = Path.of("../docs/monitoring").toAbsolutePath().normalize();
  private static final Path RULES = MONITORING.resolve("credbroker-alerts.yaml");
  private static final Path DASHBOARD = MONITORING.resolve("credbroker-dashboard.json");
  /** A metric name as PromQL writes one; only the broker's, the JVM's and the process's. */
  private static final Pattern METRIC = Pattern.compile("\\b(?:credbroker|jvm|process)_[a-z0-9_]+\\b");

  @TempDir Path dir;

  @Test
  void alertRules_passPromtool() throws Exception {
    try (ProcessRunner promtool = ProcessRunner.start(List.of("/usr/bin/promtool", "check",
        "rules", RULES.toString()))) {
      assertEquals(0, promtool.awaitExit(WAIT), promtool.output()
          + "\n(needs Debian package prometheus for /usr/bin/promtool)");
    }
  }

  @Test
  void everyMetricOfTheRulesAndTheDashboard_isInAScrapeOfARunningBroker() throws Exception {
    Set<String> used = new TreeSet<>(namesIn(ruleExpressions()));
    used.addAll(namesIn(panelExpressions()));
    Clock clock = Clock.systemUTC();
    TestPki pki = TestPki.create(dir);
    try (DevIssuer idp = DevIssuer.start(clock); FakeSts sts = FakeSts.start(clock);
        FakeSecretsManager sm = FakeSecretsManager.start(clock)) {
      sm.putString("app/db", "monitoring-secret");
      Path config = dir.resolve("config.yaml");
      Files.writeString(config, "server: {listen: 127.0.0.1:0, tls: {cert: " + pki.serverCert()
          + ", key: " + pki.serverKey() + "}}\n"
          + "metrics: {listen: 127.0.0.1:0}\n"
          + "issuers: [{issuer: \"" + idp.issuer() + "\", audiences: [" + DevIssuer.AUDIENCE + "]}]\n"
          + "aws: {region: us-east-1, endpoint: \"" + sts.endpoint() + "\","
          + " secrets_manager_endpoint: \"" + sm.endpoint() + "\"}\n"
          + "roles: {deployer: {arn: \"arn:aws:iam::123456789012:role/deployer\"}}\n"
          + "secrets: {db: {id: app/db}}\n"
          + "rules: [{id: all, roles: [deployer], secrets: [db]}]\n"
          + "audit: {file: " + dir.resolve("audit.jsonl") + "}\n");
      try (ProcessRunner broker = ProcessRunner.start(ProcessRunner.javaCommand(
          Main.class.getName(), "--config", config.toString()), Map.of(
              "AWS_ACCESS_KEY_ID", FakeSts.BROKER_KEY_ID,
              "AWS_SECRET_ACCESS_KEY", FakeSts.BROKER_SECRET))) {
        Matcher grpc = broker.awaitLine("credbroker listening on 127\\.0\\.0\\.1:(\\d+)", WAIT);
        int metricsPort = Integer.parseInt(broker.awaitLine( // logged after the gRPC port opens
            "metrics served on 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1));
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost",
            Integer.parseInt(grpc.group(1)), TlsChannelCredentials.newBuilder()
                .trustManager(pki.caCert().toFile()).build()).build();
        try {
          call(channel, idp.mint("alice", Map.of(), Duration.ofHours(1)));
          Scrape scrape = Scrape.of(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"));

          Set<String> missing = new TreeSet<>(used);
          missing.removeAll(scrape.names());
          assertTrue(missing.isEmpty(), "named by a rule or panel, absent from the scrape: "
              + missing);
          assertTrue(used.size() > 20, "the names were found: " + used);
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        broker.terminate();
        assertEquals(0, broker.awaitExit(WAIT), broker.output());
      }
    }
  }

  private static void call(ManagedChannel channel, String token) {
    Metadata h = new Metadata();
    h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    var stub = CredentialBrokerGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
        .withDeadlineAfter(60, TimeUnit.SECONDS);
    stub.getAwsCredentials(GetAwsCredentialsRequest.newBuilder().setRole("deployer").build());
    stub.getSecretValue(GetSecretValueRequest.newBuilder().setSecret("db").build());
    try {
      CredentialBrokerGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
          .getAwsCredentials(GetAwsCredentialsRequest.newBuilder().setRole("deployer").build());
    } catch (StatusRuntimeException expected) {
      // no token: refused, as the dashboard's error panels want to see
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> ruleExpressions() throws Exception {
    Map<String, Object> doc = (Map<String, Object>) new Load(LoadSettings.builder().build())
        .loadFromString(Files.readString(RULES));
    List<String> out = new ArrayList<>();
    for (Object group : (List<Object>) doc.get("groups")) {
      for (Object rule : (List<Object>) ((Map<String, Object>) group).get("rules")) {
        out.add((String) ((Map<String, Object>) rule).get("expr"));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<String> panelExpressions() throws Exception {
    Map<String, Object> dashboard = JSONObjectUtils.parse(Files.readString(DASHBOARD,
        StandardCharsets.UTF_8));
    List<String> out = new ArrayList<>();
    for (Object panel : (List<Object>) dashboard.get("panels")) {
      for (Object target : (List<Object>) ((Map<String, Object>) panel).get("targets")) {
        out.add((String) ((Map<String, Object>) target).get("expr"));
      }
    }
    Map<String, Object> templating = (Map<String, Object>) dashboard.get("templating");
    for (Object variable : (List<Object>) templating.get("list")) {
      Object definition = ((Map<String, Object>) variable).get("definition");
      if (definition != null) {
        out.add((String) definition);
      }
    }
    return out;
  }

  private static Set<String> namesIn(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String e : expressions) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }
}
