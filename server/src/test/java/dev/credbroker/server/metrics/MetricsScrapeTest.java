package dev.credbroker.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.proto.v1.AwsCredentials;
import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import dev.credbroker.proto.v1.GetAwsCredentialsRequest;
import dev.credbroker.proto.v1.GetSecretValueRequest;
import dev.credbroker.server.ops.DaemonThreads;
import dev.credbroker.server.testing.AuditedBroker;
import dev.credbroker.server.testing.FakeSts;
import dev.credbroker.server.testing.RawBytes;
import dev.credbroker.server.testing.Scrape;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A whole broker (dev-issuer tokens over HTTP, the AWS SDK against the STS and Secrets Manager
 * fakes, a real audit file) with its metrics served on a real listener: known traffic moves each
 * counter by exactly what it should, as read by the Prometheus Python client's parser, and no
 * subject, token or credential appears anywhere in the scrape.
 */
class MetricsScrapeTest {
  private static final String ISSUER_LABEL = "issuer";
  private final BrokerMetrics metrics = BrokerMetrics.create();
  private final List<String> secrets = new ArrayList<>();
  private AuditedBroker broker;
  private MetricsEndpoint endpoint;
  private URI scrapeUri;

  @BeforeEach
  void start() throws Exception {
    broker = AuditedBroker.start(metrics);
    endpoint = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), Optional.empty(),
        new EndpointRoutes(metrics.registry(), () -> new Probe(true, List.of()),
            () -> new Probe(false, List.of("audit log: cannot be written"))),
        DaemonThreads.named("test-metrics"));
    scrapeUri = URI.create("http://127.0.0.1:" + endpoint.address().getPort() + "/metrics");
  }

  @AfterEach
  void stop() throws Exception {
    endpoint.close();
    broker.close();
  }

  @Test
  void knownTraffic_movesEachCounterByExactlyItsAmount() throws Exception {
    String alice = token("alice", "developers");
    String bob = token("bob", "nobody");
    Scrape before = Scrape.of(scrapeUri);

    for (int i = 0; i < 3; i++) {
      credentials(alice);
    }
    for (int i = 0; i < 2; i++) {
      secretValue(alice);
    }
    assertEquals(Status.Code.PERMISSION_DENIED, refused(() -> credentials(bob)));
    assertEquals(Status.Code.UNAUTHENTICATED, refused(() -> credentials("not-a-jwt")));
    assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> garbageBody(alice)));
    Scrape after = Scrape.of(scrapeUri);

    Delta d = new Delta(before, after);
    assertEquals(2, d.of("credbroker_cache_lookups_total", "cache", "credentials", "result", "hit"));
    assertEquals(1, d.of("credbroker_cache_lookups_total", "cache", "credentials", "result", "miss"));
    assertEquals(1, d.of("credbroker_cache_lookups_total", "cache", "secrets", "result", "hit"));
    assertEquals(1, d.of("credbroker_cache_lookups_total", "cache", "secrets", "result", "miss"));
    assertEquals(0, d.of("credbroker_cache_lookups_total", "cache", "secrets", "result", "stale"));
    assertEquals(1, after.value("credbroker_cache_entries", Map.of("cache", "credentials")));
    assertEquals(1, after.value("credbroker_cache_entries", Map.of("cache", "secrets")));
    assertEquals(1, d.of("credbroker_aws_calls_total", "service", "sts", "operation",
        "AssumeRole", "outcome", "ok"));
    assertEquals(1, d.of("credbroker_aws_calls_total", "service", "secretsmanager", "operation",
        "GetSecretValue", "outcome", "ok"));
    assertEquals(1, d.of("credbroker_aws_call_duration_seconds_count", "service", "sts",
        "operation", "AssumeRole"));
    assertEquals(2, d.of("credbroker_token_validations_total", "outcome", "accepted"));
    assertEquals(4, d.of("credbroker_token_validations_total", "outcome", "accepted_cached"));
    assertEquals(1, d.of("credbroker_token_validations_total", "outcome", "malformed"));
    String issuer = broker.authenticator().keySets().get(0).issuer();
    assertEquals(1, d.of("credbroker_jwks_fetches_total", ISSUER_LABEL, issuer, "outcome", "ok"));
    assertEquals(1, after.value("credbroker_jwks_usable", Map.of(ISSUER_LABEL, issuer)));
    assertTrue(after.value("credbroker_jwks_keys", Map.of(ISSUER_LABEL, issuer)) >= 1);
    assertTrue(after.has("credbroker_jwks_age_seconds"));
    assertEquals(1, d.of("credbroker_requests_refused_total", "reason", "malformed"));
    assertEquals(8, d.of("credbroker_audit_records_total"), "one record per call");
    assertEquals(3, d.of("credbroker_requests_total", "rpc", "GetAwsCredentials", "decision",
        "allow", "code", "OK"));
    assertEquals(2, d.of("credbroker_requests_total", "rpc", "GetSecretValue", "decision",
        "allow", "code", "OK"));
    assertEquals(1, d.of("credbroker_requests_total", "rpc", "GetAwsCredentials", "decision",
        "deny", "code", "PERMISSION_DENIED"));
    assertEquals(1, d.of("credbroker_requests_total", "rpc", "GetAwsCredentials", "decision",
        "deny", "code", "UNAUTHENTICATED"));
    assertEquals(6, d.of("credbroker_request_duration_seconds_count", "rpc",
        "GetAwsCredentials"), "allowed, denied, unauthenticated and the malformed body");
    assertTrue(d.of("credbroker_audit_bytes_total") > 8 * 100, "records are a few hundred bytes");
    assertEquals(0, d.of("credbroker_audit_write_failures_total"));
    assertEquals(1, after.value("credbroker_audit_writable"));
    assertTrue(after.has("jvm_memory_used_bytes"), "JVM metrics");
    assertTrue(after.has("process_cpu_seconds_total"), "process metrics");
  }

  @Test
  void scrape_neverHoldsSubjectsTokensOrCredentials() throws Exception {
    String alice = token("alice-7f3a", "developers");
    AwsCredentials issued = credentials(alice);
    secretValue(alice);
    refused(() -> credentials(token("mallory-9c1e", "nobody")));
    FakeSts.Minted minted = broker.sts().minted(issued.getAccessKeyId());

    String text = Scrape.of(scrapeUri).text();

    List<String> forbidden = new ArrayList<>(List.of("alice-7f3a", "mallory-9c1e",
        issued.getAccessKeyId(), issued.getSecretAccessKey(), issued.getSessionToken(),
        minted.secret(), AuditedBroker.SECRET_VALUE, FakeSts.BROKER_KEY_ID,
        FakeSts.BROKER_SECRET));
    for (String token : secrets) {
      forbidden.add(token);
      forbidden.addAll(List.of(token.split("\\.")));
    }
    for (String f : forbidden) {
      assertFalse(text.contains(f), "the scrape holds '" + f + "'");
    }
  }

  @Test
  void probesAndUnknownPaths_answerWithTheirStatus() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + endpoint.address().getPort();
    var healthz = http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/healthz"))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    var readyz = http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/readyz"))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    var other = http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/secrets"))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());

    assertEquals(200, healthz.statusCode());
    assertEquals(503, readyz.statusCode());
    assertTrue(readyz.body().contains("audit log: cannot be written"), readyz.body());
    assertEquals(404, other.statusCode());
  }

  /** Differences between two scrapes of counters, by sample name and label pairs. */
  private record Delta(Scrape before, Scrape after) {
    double of(String name, String... labelPairs) {
      Map<String, String> labels = new java.util.HashMap<>();
      for (int i = 0; i < labelPairs.length; i += 2) {
        labels.put(labelPairs[i], labelPairs[i + 1]);
      }
      return after.value(name, labels) - before.value(name, labels);
    }
  }

  private String token(String subject, String group) {
    String t = broker.token(subject, group);
    secrets.add(t);
    return t;
  }

  private AwsCredentials credentials(String token) {
    return stub(token).getAwsCredentials(GetAwsCredentialsRequest.newBuilder()
        .setRole(AuditedBroker.ROLE).build());
  }

  private void secretValue(String token) {
    stub(token).getSecretValue(GetSecretValueRequest.newBuilder().setSecret(AuditedBroker.SECRET)
        .build());
  }

  /** A GetAwsCredentials call whose body is not a GetAwsCredentialsRequest. */
  private void garbageBody(String token) {
    MethodDescriptor<byte[], byte[]> method = RawBytes.method(
        CredentialBrokerGrpc.getGetAwsCredentialsMethod().getFullMethodName(),
        MethodDescriptor.MethodType.UNARY);
    ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(broker.channel(), bearer(token)),
        method,
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
  }

  private CredentialBrokerGrpc.CredentialBrokerBlockingStub stub(String token) {
    return CredentialBrokerGrpc.newBlockingStub(broker.channel()).withInterceptors(bearer(token))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static io.grpc.ClientInterceptor bearer(String token) {
    Metadata h = new Metadata();
    h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return MetadataUtils.newAttachHeadersInterceptor(h);
  }

  private static Status.Code refused(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
  }
}
