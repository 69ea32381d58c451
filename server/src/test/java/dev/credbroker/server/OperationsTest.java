package dev.credbroker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.AuditConfig;
import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.config.ListenAddress;
import dev.credbroker.core.config.MetricsConfig;
import dev.credbroker.core.config.TlsConfig;
import dev.credbroker.server.audit.AuditWriter;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.testing.LoopbackBroker;
import dev.credbroker.server.testing.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics listener as {@code Main} starts it: over TLS when configured (a real handshake
 * against the test CA), and never plaintext off loopback unless the operator says so.
 */
class OperationsTest {
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService io = Executors.newCachedThreadPool();
  @TempDir Path dir;

  @AfterEach
  void stop() {
    io.shutdownNow();
  }

  @Test
  void metricsOverTls_answersProbesAndScrapes() throws Exception {
    TestPki pki = TestPki.create(dir);
    MetricsConfig config = new MetricsConfig(true, new ListenAddress("127.0.0.1", 0),
        Optional.of(new TlsConfig(pki.serverCert(), pki.serverKey(), Optional.empty())), false);
    BrokerMetrics metrics = BrokerMetrics.create();
    BrokerStates states = new BrokerStates(Optional.empty(), ConfigLoader.parse(
        "server: {listen: 127.0.0.1:0}\n", "test", dir), UnaryOperator.identity(), clock, io);
    try (AuditWriter audit = AuditWriter.open(AuditConfig.toFile(dir.resolve("audit.jsonl")),
            clock);
        LoopbackBroker broker = LoopbackBroker.start(Optional.empty(), Optional.empty(), metrics);
        Operations ops = Operations.start(config, metrics, broker.server(), states, audit,
            Duration.ofDays(1))) {
      HttpClient https = HttpClient.newBuilder().sslContext(trusting(pki)).build();
      String base = "https://localhost:" + ops.metricsAddress().orElseThrow().getPort();

      HttpResponse<String> ready = https.send(HttpRequest.newBuilder(URI.create(base + "/readyz"))
          .build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> scrape = https.send(HttpRequest.newBuilder(
          URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());

      assertEquals(200, ready.statusCode(), ready.body());
      assertTrue(ready.body().contains("audit log: writable"), ready.body());
      assertEquals(200, scrape.statusCode());
      assertTrue(scrape.body().contains("credbroker_tls_certificate_not_after_timestamp_seconds"
          + "{listener=\"metrics\"}"), "the metrics listener's own certificate is exported");
    }
  }

  @Test
  void plaintextMetricsOffLoopback_areRefusedUnlessAllowed() throws Exception {
    ConfigException refused = assertThrows(ConfigException.class, () -> Operations.check(
        new MetricsConfig(true, new ListenAddress("0.0.0.0", 9464), Optional.empty(), false)));
    Operations.check(new MetricsConfig(true, new ListenAddress("0.0.0.0", 9464),
        Optional.empty(), true));
    Operations.check(new MetricsConfig(false, new ListenAddress("0.0.0.0", 9464),
        Optional.empty(), false));

    assertTrue(refused.getMessage().startsWith("metrics.listen: plaintext metrics on non-loopback"
        + " address 0.0.0.0:9464 are refused"), refused.getMessage());
  }

  private static SSLContext trusting(TestPki pki) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca",
        dev.credbroker.server.tls.PemFiles.certificates(pki.caCert()).get(0));
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, f.getTrustManagers(), null);
    return context;
  }
}
