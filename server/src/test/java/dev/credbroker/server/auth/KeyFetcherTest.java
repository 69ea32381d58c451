package dev.credbroker.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.credbroker.core.config.IssuerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Discovery and JWKS over real HTTP, against an IdP that misbehaves on purpose. */
class KeyFetcherTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService io = Executors.newCachedThreadPool();
  private HttpServer idp;
  private String base;

  @BeforeEach
  void start() throws IOException {
    idp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    idp.setExecutor(Executors.newCachedThreadPool());
    idp.start();
    base = "http://127.0.0.1:" + idp.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    release.countDown();
    idp.stop(0);
    io.shutdownNow();
  }

  @Test
  void stalledBody_failsWithinTheDeadlineInsteadOfHangingForever() throws Exception {
    idp.createContext("/jwks", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      exchange.getResponseBody().write("{\"keys\":[".getBytes(StandardCharsets.UTF_8));
      exchange.getResponseBody().flush();
      await(release);
      exchange.close();
    });
    KeyFetcher.KeyFetchException e = failure(fetcher(base + "/jwks", base));
    assertTrue(e.getMessage().startsWith("no complete answer from " + base + "/jwks within"), e.getMessage());
  }

  @Test
  void oversizedBody_isRefused() throws Exception {
    byte[] huge = new byte[KeyFetcher.MAX_RESPONSE_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) ' ');
    idp.createContext("/jwks", exchange -> respond(exchange, 200, huge));
    assertTrue(failure(fetcher(base + "/jwks", base)).getMessage().contains("exceeds 524288 bytes"));
  }

  @Test
  void redirects_areNotFollowed() throws Exception {
    idp.createContext("/jwks", exchange -> {
      exchange.getResponseHeaders().set("Location", "https://evil.example/jwks");
      respond(exchange, 302, new byte[0]);
    });
    assertEquals("HTTP 302 from " + base + "/jwks", failure(fetcher(base + "/jwks", base)).getMessage());
  }

  @Test
  void discoveryNamingAnotherIssuer_isRefused() throws Exception {
    idp.createContext("/.well-known/openid-configuration", exchange -> respond(exchange, 200,
        ("{\"issuer\":\"https://other.example\",\"jwks_uri\":\"" + base + "/jwks\"}")
            .getBytes(StandardCharsets.UTF_8)));
    assertTrue(failure(fetcher(null, base)).getMessage()
        .startsWith("the discovery document names issuer 'https://other.example'"));
  }

  @Test
  void discoveryPointingToPlainHttpElsewhere_isRefused() throws Exception {
    idp.createContext("/.well-known/openid-configuration", exchange -> respond(exchange, 200,
        ("{\"issuer\":\"" + base + "\",\"jwks_uri\":\"http://keys.example.com/jwks\"}")
            .getBytes(StandardCharsets.UTF_8)));
    assertTrue(failure(fetcher(null, base)).getMessage().contains("jwks_uri is not https"));
  }

  @Test
  void discoveryThenJwks_loadsKeys() throws Exception {
    JWKSet keys = new JWKSet(new RSAKeyGenerator(2048).keyID("k").generate().toPublicJWK());
    idp.createContext("/.well-known/openid-configuration", exchange -> respond(exchange, 200,
        ("{\"issuer\":\"" + base + "\",\"jwks_uri\":\"" + base + "/jwks\"}").getBytes(StandardCharsets.UTF_8)));
    idp.createContext("/jwks", exchange -> respond(exchange, 200,
        keys.toString().getBytes(StandardCharsets.UTF_8)));
    assertEquals("k", fetcher(null, base).fetch().get(10, TimeUnit.SECONDS).getKeys().get(0).getKeyID());
  }

  private KeyFetcher fetcher(String jwksUri, String issuer) {
    return new KeyFetcher(new IssuerConfig(issuer, List.of("b"), Set.of("RS256"), Duration.ZERO,
        Optional.empty(), Optional.empty(), List.of(), Optional.ofNullable(jwksUri).map(URI::create),
        Duration.ofMinutes(15), Duration.ofSeconds(30), Duration.ofHours(1),
        Duration.ofMillis(500), Duration.ofMillis(500)), io);
  }

  private static KeyFetcher.KeyFetchException failure(KeyFetcher fetcher) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> fetcher.fetch().get(10, TimeUnit.SECONDS));
    return (KeyFetcher.KeyFetchException) e.getCause();
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    exchange.close();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
