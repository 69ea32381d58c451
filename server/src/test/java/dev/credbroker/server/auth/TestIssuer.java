package dev.credbroker.server.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.credbroker.core.config.IssuerConfig;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An in-memory issuer for unit tests: keys of every supported type, a JWK set source that counts
 * fetches and can be made to fail, and token forging, including the malicious kinds.
 */
final class TestIssuer {
  final String issuer;
  final RSAKey rsa;
  final ECKey ec;
  final KeyPair ed25519;
  final OctetKeyPair ed25519Jwk;
  final AtomicInteger fetches = new AtomicInteger();
  volatile boolean down;
  volatile JWKSet published;

  TestIssuer(String issuer) throws Exception {
    this.issuer = issuer;
    this.rsa = new RSAKeyGenerator(2048).keyID("rsa-" + UUID.randomUUID()).generate();
    this.ec = new ECKeyGenerator(Curve.P_256).keyID("ec-" + UUID.randomUUID()).generate();
    this.ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = ed25519.getPublic().getEncoded();
    this.ed25519Jwk = new OctetKeyPair.Builder(Curve.Ed25519,
        Base64URL.encode(Arrays.copyOfRange(spki, spki.length - 32, spki.length)))
        .keyID("ed-" + UUID.randomUUID()).build();
    this.published = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK(), ed25519Jwk));
  }

  IssuerConfig config(Set<String> algorithms) {
    return new IssuerConfig(issuer, List.of("broker"), algorithms, Duration.ofSeconds(60),
        Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Duration.ofMinutes(15),
        Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  Supplier<CompletableFuture<JWKSet>> source() {
    return () -> {
      fetches.incrementAndGet();
      return down ? CompletableFuture.failedFuture(new RuntimeException("connection refused"))
          : CompletableFuture.completedFuture(published);
    };
  }

  JWTClaimsSet.Builder claims(Clock clock) {
    Date now = Date.from(clock.instant());
    return new JWTClaimsSet.Builder().issuer(issuer).subject("alice").audience("broker")
        .issueTime(now).notBeforeTime(now)
        .expirationTime(Date.from(clock.instant().plus(Duration.ofHours(1))));
  }

  String rs256(JWTClaimsSet claims) throws Exception {
    return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claims, rsa);
  }

  String sign(JWSHeader header, JWTClaimsSet claims, JWK key) throws Exception {
    SignedJWT jwt = new SignedJWT(header, claims);
    if (key instanceof RSAKey r) {
      jwt.sign(new RSASSASigner(r));
    } else {
      jwt.sign(new ECDSASigner((ECKey) key));
    }
    return jwt.serialize();
  }

  String eddsa(JWTClaimsSet claims) throws Exception {
    String header = "{\"alg\":\"EdDSA\",\"kid\":\"" + ed25519Jwk.getKeyID() + "\"}";
    return compact(header, claims.toString(), input -> {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(ed25519.getPrivate());
      s.update(input);
      return s.sign();
    });
  }

  /** A JWS assembled by hand, so tests can produce what no honest library would. */
  static String compact(String headerJson, String payloadJson, Signer signer) throws Exception {
    String input = b64(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
        + b64(payloadJson.getBytes(StandardCharsets.UTF_8));
    byte[] signature = signer.sign(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64(signature);
  }

  static String b64(byte[] bytes) {
    return Base64URL.encode(bytes).toString();
  }

  interface Signer {
    byte[] sign(byte[] input) throws Exception;
  }
}
