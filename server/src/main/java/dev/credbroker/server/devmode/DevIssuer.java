package dev.credbroker.server.devmode;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.credbroker.core.config.IssuerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A development identity provider on loopback: an RSA key generated at start, OIDC discovery and
 * a JWKS endpoint, and a method to mint tokens. It exists so {@code --dev} works on a laptop with
 * no IdP. It is not an IdP: anyone on the machine who can reach the broker gets the printed token.
 */
public final class DevIssuer implements AutoCloseable {
  public static final String AUDIENCE = "credbroker";

  private final HttpServer http;
  private final String issuer;
  private final Clock clock;
  private volatile RSAKey key;
  private volatile RSAKey previousKey;
  private final java.util.concurrent.atomic.AtomicInteger jwksRequests =
      new java.util.concurrent.atomic.AtomicInteger();

  private DevIssuer(HttpServer http, Clock clock) throws JOSEException {
    this.http = http;
    this.clock = clock;
    this.issuer = "http://127.0.0.1:" + http.getAddress().getPort() + "/dev";
    this.key = newKey();
  }

  /** Starts on a free loopback port. */
  public static DevIssuer start(Clock clock) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    DevIssuer dev;
    try {
      dev = new DevIssuer(http, clock);
    } catch (JOSEException e) {
      throw new IOException("cannot generate the development signing key", e);
    }
    http.createContext("/dev/.well-known/openid-configuration", ex -> dev.json(ex, dev.discovery()));
    http.createContext("/dev/jwks", ex -> dev.json(ex, dev.jwks()));
    http.start();
    return dev;
  }

  public String issuer() {
    return issuer;
  }

  /** How the broker should trust this issuer: RS256, audience {@value #AUDIENCE}. */
  public IssuerConfig issuerConfig() {
    return new IssuerConfig(issuer, List.of(AUDIENCE), Set.of("RS256"), Duration.ofSeconds(60),
        Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Duration.ofMinutes(15),
        Duration.ofSeconds(1), Duration.ofHours(6), Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  /** A signed token for {@code subject} with extra claims, valid for {@code ttl}. */
  public String mint(String subject, Map<String, Object> claims, Duration ttl) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder c = new JWTClaimsSet.Builder()
        .issuer(issuer).subject(subject).audience(AUDIENCE)
        .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl))).jwtID(UUID.randomUUID().toString());
    claims.forEach(c::claim);
    RSAKey signing = key;
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
        .keyID(signing.getKeyID()).type(JOSEObjectType.JWT).build(), c.build());
    try {
      jwt.sign(new RSASSASigner(signing));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing with a freshly generated RSA key failed", e);
    }
    return jwt.serialize();
  }

  /**
   * Signs with a new key from now on. Like real IdPs, it keeps publishing the previous key, so
   * tokens already issued stay verifiable.
   */
  public void rotateKey() throws JOSEException {
    previousKey = key;
    key = newKey();
  }

  /** How often the JWKS endpoint was fetched. */
  public int jwksRequests() {
    return jwksRequests.get();
  }

  @Override
  public void close() {
    http.stop(0);
  }

  private Map<String, Object> discovery() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("issuer", issuer);
    doc.put("jwks_uri", URI.create(issuer + "/jwks").toString());
    doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
    doc.put("subject_types_supported", List.of("public"));
    doc.put("response_types_supported", List.of("token"));
    return doc;
  }

  private Map<String, Object> jwks() {
    jwksRequests.incrementAndGet();
    RSAKey previous = previousKey;
    List<com.nimbusds.jose.jwk.JWK> keys = previous == null ? List.of(key.toPublicJWK())
        : List.of(key.toPublicJWK(), previous.toPublicJWK());
    return new JWKSet(keys).toJSONObject(true);
  }

  private void json(HttpExchange exchange, Map<String, Object> body) throws IOException {
    byte[] bytes = JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static RSAKey newKey() throws JOSEException {
    return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
        .keyID(UUID.randomUUID().toString()).generate();
  }
}
