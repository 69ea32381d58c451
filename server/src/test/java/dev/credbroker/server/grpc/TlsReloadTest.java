package dev.credbroker.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.credbroker.core.config.ListenAddress;
import dev.credbroker.core.config.ServerConfig;
import dev.credbroker.core.config.ServerLimits;
import dev.credbroker.core.config.TlsConfig;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.testing.Scrape;
import dev.credbroker.server.testing.TestPki;
import dev.credbroker.server.tls.LiveTls;
import dev.credbroker.server.tls.PemFiles;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate rotation without a restart, over real TLS handshakes: after the files are replaced
 * (atomic renames, as cert-manager and editors do) and re-read, a new connection is served the
 * new certificate while a connection opened before keeps working on its own; a pair that does not
 * belong together is refused and the running certificate stays; the not-after metric follows.
 */
class TlsReloadTest {
  @TempDir Path dir;
  private final BrokerMetrics metrics = BrokerMetrics.detached();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private BrokerServer server;

  @AfterEach
  void stop() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    server.shutdown();
  }

  @Test
  void rotatedCertificate_servesNewConnections_whileOpenOnesContinue() throws Exception {
    TestPki first = TestPki.create(Files.createDirectory(dir.resolve("first")));
    TestPki second = TestPki.create(Files.createDirectory(dir.resolve("second")));
    Path live = Files.createDirectory(dir.resolve("live"));
    Path cert = live.resolve("tls.crt");
    Path key = live.resolve("tls.key");
    replace(first.serverCert(), cert);
    replace(first.serverKey(), key);
    LiveTls tls = LiveTls.load(new TlsConfig(cert, key, Optional.empty()), "server.tls");
    server = BrokerServer.builder(new ServerConfig(new ListenAddress("127.0.0.1", 0),
            Optional.empty(), ServerLimits.DEFAULTS, Duration.ofSeconds(5), true, Duration.ZERO))
        .tls(tls).metrics(metrics).build().start();
    X509Certificate firstLeaf = PemFiles.certificates(first.serverCert()).get(0);
    X509Certificate secondLeaf = PemFiles.certificates(second.serverCert()).get(0);

    Seen before = new Seen(first, second);
    ManagedChannel old = channel(before);
    assertEquals(ServingStatus.SERVING, check(old));
    replace(second.serverCert(), cert);
    replace(second.serverKey(), key);
    LiveTls.Reload rotated = tls.reload();
    Seen after = new Seen(first, second);
    ServingStatus onNew = check(channel(after));
    ServingStatus onOld = check(old);
    replace(first.serverCert(), cert); // the first certificate with the second's key: no pair
    LiveTls.Reload mismatched = tls.reload();
    Seen afterBadPair = new Seen(first, second);
    check(channel(afterBadPair));

    assertEquals(LiveTls.Reload.APPLIED, rotated);
    assertEquals(ServingStatus.SERVING, onNew);
    assertEquals(ServingStatus.SERVING, onOld);
    assertEquals(List.of(firstLeaf), before.leaves, "the open connection made no new handshake");
    assertEquals(List.of(secondLeaf), after.leaves);
    assertEquals(LiveTls.Reload.REFUSED, mismatched);
    assertEquals(List.of(secondLeaf), afterBadPair.leaves, "the running certificate stays");
    assertEquals(secondLeaf.getNotAfter().getTime() / 1000.0, scrape().value(
        "credbroker_tls_certificate_not_after_timestamp_seconds", Map.of("listener", "grpc")));
  }

  /** Writes beside the target and renames over it, as cert-manager and most editors do. */
  private static void replace(Path from, Path to) throws Exception {
    Path next = to.resolveSibling(to.getFileName() + ".next");
    Files.copy(from, next, StandardCopyOption.REPLACE_EXISTING);
    Files.move(next, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private ManagedChannel channel(Seen seen) {
    ManagedChannel c = Grpc.newChannelBuilderForAddress("localhost", server.address().getPort(),
        TlsChannelCredentials.newBuilder().trustManager(seen).build()).build();
    channels.add(c);
    return c;
  }

  private static ServingStatus check(ManagedChannel c) {
    return HealthGrpc.newBlockingStub(c).withDeadlineAfter(30, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }

  private Scrape scrape() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    return Scrape.parse(out.toString(StandardCharsets.UTF_8));
  }

  /** Trusts both test CAs and remembers the leaf of every server it was shown. */
  private static final class Seen extends X509ExtendedTrustManager {
    final List<X509Certificate> leaves = new CopyOnWriteArrayList<>();
    private final X509ExtendedTrustManager trust;

    Seen(TestPki... pkis) throws Exception {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < pkis.length; i++) {
        store.setCertificateEntry("ca" + i, PemFiles.certificates(pkis[i].caCert()).get(0));
      }
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      trust = (X509ExtendedTrustManager) f.getTrustManagers()[0];
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws java.security.cert.CertificateException {
      trust.checkServerTrusted(chain, authType, engine);
      leaves.add(chain[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws java.security.cert.CertificateException {
      trust.checkServerTrusted(chain, authType, socket);
      leaves.add(chain[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      trust.checkServerTrusted(chain, authType);
      leaves.add(chain[0]);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return trust.getAcceptedIssuers();
    }
  }
}
