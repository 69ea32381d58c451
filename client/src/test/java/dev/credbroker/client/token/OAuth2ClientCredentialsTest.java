package dev.credbroker.client.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.Identity;
import dev.credbroker.client.testing.Servers;
import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.config.IssuerConfig;
import dev.credbroker.core.policy.PolicyEngine;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.grpc.AuditRecorder;
import dev.credbroker.server.grpc.BrokerServer;
import dev.credbroker.server.grpc.BrokerState;
import dev.credbroker.server.grpc.CredentialBrokerService;
import dev.credbroker.server.testing.MutableClock;
import dev.credbroker.server.testing.RecordingAuditLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client credentials grant against a real OAuth2 server (mock-oauth2-server on loopback): each
 * client authentication method as RFC 6749 and RFC 7523 write it, caching by expiry, and the
 * issued token accepted by the broker.
 */
class OAuth2ClientCredentialsTest {
  private static final String AUDIENCE = "credential-broker";

  private final MutableClock clock = MutableClock.startingNow();
  private MockOAuth2Server idp;
  private URI endpoint;
  @TempDir Path dir;

  @BeforeEach
  void start() {
    idp = new MockOAuth2Server();
    idp.start(InetAddress.getLoopbackAddress(), 0);
    endpoint = URI.create(idp.tokenEndpointUrl("corp").toString());
  }

  @AfterEach
  void stop() {
    idp.shutdown();
  }

  private RecordedRequest taken() throws InterruptedException {
    RecordedRequest r = idp.takeRequest(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no request reached the token endpoint");
    }
    return r;
  }

  private static Map<String, String> form(RecordedRequest r) {
    Map<String, String> out = new HashMap<>();
    for (String pair : r.getBody().readUtf8().split("&")) {
      String[] kv = pair.split("=", 2);
      out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void clientSecretBasic_fetchesOnce_andAgainShortlyBeforeExpiry() throws Exception {
    OAuth2ClientCredentials source = OAuth2ClientCredentials.builder().tokenEndpoint(endpoint)
        .clientId("svc:payments").clientSecret("s3cret&more").scope(AUDIENCE).clock(clock).build();

    String token = source.token();
    RecordedRequest r = taken();
    assertEquals("Basic " + Base64.getEncoder().encodeToString("svc%3Apayments:s3cret%26more"
        .getBytes(StandardCharsets.UTF_8)), r.getHeader("Authorization"), "RFC 6749 2.3.1: form-encoded, then Basic");
    assertEquals(Map.of("grant_type", "client_credentials", "scope", AUDIENCE), form(r));
    assertEquals("svc:payments", SignedJWT.parse(token).getJWTClaimsSet().getSubject());

    assertEquals(token, source.token());
    clock.advance(Duration.ofSeconds(3600 - 60 - 5)); // expires_in is 3600 (or 3599, rounded down)
    assertEquals(token, source.token());
    assertThrows(RuntimeException.class, () -> idp.takeRequest(1, TimeUnit.MILLISECONDS),
        "served from the cache: no request was recorded");

    clock.advance(Duration.ofSeconds(5)); // within refreshBefore (60s) of expiry
    source.token();
    taken();
  }

  @Test
  void clientSecretPost_sendsTheCredentialsInTheBody() throws Exception {
    OAuth2ClientCredentials.builder().tokenEndpoint(endpoint).clientId("svc")
        .clientSecret("s3cret", OAuth2ClientCredentials.AuthMethod.CLIENT_SECRET_POST).audience("api").build().token();
    RecordedRequest r = taken();
    assertNull(r.getHeader("Authorization"));
    assertEquals(Map.of("grant_type", "client_credentials", "audience", "api", "client_id", "svc",
        "client_secret", "s3cret"), form(r));
  }

  @Test
  void privateKeyJwt_rsa_signsARfc7523Assertion() throws Exception {
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    Path pem = dir.resolve("client.pem");
    Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder()
        .encodeToString(rsa.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    PrivateKeys.SigningKey key = PrivateKeys.read(pem);
    String token = OAuth2ClientCredentials.builder().tokenEndpoint(endpoint).clientId("svc-payments")
        .privateKey(key.key(), "key-1").clock(clock).build().token();

    Map<String, String> f = form(taken());
    assertEquals("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", f.get("client_assertion_type"));
    assertEquals("svc-payments", f.get("client_id"));
    SignedJWT assertion = SignedJWT.parse(f.get("client_assertion"));
    assertTrue(assertion.verify(new RSASSAVerifier((RSAPublicKey) rsa.getPublic())));
    assertEquals(JWSAlgorithm.RS256, assertion.getHeader().getAlgorithm());
    assertEquals("key-1", assertion.getHeader().getKeyID());
    var claims = assertion.getJWTClaimsSet();
    assertEquals("svc-payments", claims.getIssuer());
    assertEquals("svc-payments", claims.getSubject());
    assertEquals(List.of(endpoint.toString()), claims.getAudience());
    assertEquals(60_000, claims.getExpirationTime().getTime() - claims.getIssueTime().getTime());
    assertTrue(claims.getJWTID().length() >= 32);
    assertFalse(token.isEmpty());
  }

  @Test
  void privateKeyJwt_ec_signsEs256_withAFreshJtiEachTime() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    KeyPair ec = g.generateKeyPair();
    OAuth2ClientCredentials source = OAuth2ClientCredentials.builder().tokenEndpoint(endpoint).clientId("svc")
        .privateKey(ec.getPrivate(), null).clock(clock).build();
    source.token();
    clock.advance(Duration.ofHours(1));
    source.token();
    SignedJWT a = SignedJWT.parse(form(taken()).get("client_assertion"));
    SignedJWT b = SignedJWT.parse(form(taken()).get("client_assertion"));
    assertEquals(JWSAlgorithm.ES256, a.getHeader().getAlgorithm());
    assertTrue(a.verify(new ECDSAVerifier((ECPublicKey) ec.getPublic())));
    assertNotEquals(a.getJWTClaimsSet().getJWTID(), b.getJWTClaimsSet().getJWTID());
  }

  @Test
  void endpointErrors_sayWhatWithoutSecrets() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    Map<String, Integer> status = new HashMap<>(Map.of("/bad", 401, "/down", 503, "/mac", 200));
    http.createContext("/", ex -> {
      String body = ex.getRequestURI().getPath().equals("/mac")
          ? "{\"access_token\":\"abc\",\"token_type\":\"mac\"}"
          : "{\"error\":\"invalid_client\",\"error_description\":\"secret s3cret is wrong\"}";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status.get(ex.getRequestURI().getPath()), bytes.length);
      ex.getResponseBody().write(bytes);
      ex.close();
    });
    http.start();
    try {
      String base = "http://127.0.0.1:" + http.getAddress().getPort();
      TokenException bad = assertThrows(TokenException.class, () -> source(base + "/bad").token());
      assertEquals("token endpoint 127.0.0.1 answered HTTP 401: invalid_client", bad.getMessage());
      assertFalse(bad.isRetryable());
      assertTrue(assertThrows(TokenException.class, () -> source(base + "/down").token()).isRetryable());
      assertTrue(assertThrows(TokenException.class, () -> source(base + "/mac").token()).getMessage()
          .contains("only bearer tokens"));
    } finally {
      http.stop(0);
    }
    TokenException unreachable = assertThrows(TokenException.class,
        () -> source("http://127.0.0.1:1/token").token());
    assertTrue(unreachable.isRetryable());
  }

  @Test
  void builder_refusesPlainHttpBeyondLoopback_andIncompleteSettings() {
    assertThrows(IllegalArgumentException.class, () -> OAuth2ClientCredentials.builder()
        .tokenEndpoint(URI.create("http://idp.example.com/token")));
    assertThrows(IllegalStateException.class, () -> OAuth2ClientCredentials.builder().tokenEndpoint(endpoint)
        .clientId("x").build());
    assertThrows(IllegalStateException.class, () -> OAuth2ClientCredentials.builder().clientSecret("a")
        .privateKey(KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate(), null));
    assertFalse(OAuth2ClientCredentials.builder().tokenEndpoint(endpoint).clientId("x").clientSecret("s3cret")
        .build().toString().contains("s3cret"));
  }

  @Test
  void issuedToken_isAcceptedByTheBroker() throws Exception {
    ExecutorService io = Executors.newCachedThreadPool();
    IssuerConfig corp = new IssuerConfig(idp.issuerUrl("corp").toString(), List.of(AUDIENCE),
        Set.of("RS256"), Duration.ofSeconds(60), Optional.empty(), Optional.empty(), List.of(),
        Optional.empty(), Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofMinutes(5),
        Duration.ofSeconds(2), Duration.ofSeconds(2));
    BrokerConfig config = ConfigLoader.parse("server: {listen: 127.0.0.1:0}\n", "test", Path.of("."));
    BrokerState state = new BrokerState(Authenticator.create(List.of(corp), java.time.Clock.systemUTC(), io),
        new PolicyEngine(config));
    java.time.Clock utc = java.time.Clock.systemUTC();
    BrokerServer server = Servers.start(new CredentialBrokerService(() -> state, null, null, "", utc,
        new AuditRecorder(new RecordingAuditLog(), List.of(), utc)), "127.0.0.1", 0);
    try (BrokerClient client = BrokerClient.builder().target("127.0.0.1:" + server.address().getPort())
        .plaintext().tokenSource(OAuth2ClientCredentials.builder().tokenEndpoint(endpoint)
            .clientId("svc-payments").clientSecret("s3cret").scope(AUDIENCE).build()).build()) {
      Identity me = client.whoAmI();
      assertEquals("svc-payments", me.subject());
      assertEquals(idp.issuerUrl("corp").toString(), me.issuer());
    } finally {
      server.shutdownNow();
      server.shutdown();
      io.shutdownNow();
    }
  }

  private static OAuth2ClientCredentials source(String url) {
    return OAuth2ClientCredentials.builder().tokenEndpoint(URI.create(url)).clientId("svc")
        .clientSecret("s3cret").build();
  }
}
