package dev.credbroker.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.credbroker.core.config.IssuerConfig;
import dev.credbroker.core.model.ClaimPath;
import dev.credbroker.server.auth.AuthenticationException.Reason;
import dev.credbroker.server.testing.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Token validation against in-memory issuers: what must pass, and every way a token must fail. */
class AuthenticatorTest {
  private final MutableClock clock = MutableClock.startingNow();
  private TestIssuer a;
  private TestIssuer b;
  private Authenticator auth;

  @BeforeEach
  void setUp() throws Exception {
    a = new TestIssuer("https://a.example.com");
    b = new TestIssuer("https://b.example.com");
    auth = authenticator(a.config(Set.of("RS256", "ES256", "EdDSA")), b.config(Set.of("RS256")));
  }

  private Authenticator authenticator(IssuerConfig forA, IssuerConfig forB) {
    Map<IssuerConfig, Supplier<java.util.concurrent.CompletableFuture<com.nimbusds.jose.jwk.JWKSet>>>
        sources = new LinkedHashMap<>();
    sources.put(forA, a.source());
    sources.put(forB, b.source());
    return Authenticator.withKeySources(sources, clock);
  }

  @Test
  void rs256_validToken_yieldsIdentityWithNestedClaims() throws Exception {
    String token = a.rs256(a.claims(clock)
        .claim("realm_access", Map.of("roles", List.of("admin", "dev"))).claim("azp", "cli").build());

    VerifiedIdentity id = ok(token);

    assertEquals("https://a.example.com", id.issuer());
    assertEquals("alice", id.subject());
    assertEquals(Optional.of("dev"), id.claim(ClaimPath.parse("realm_access.roles[1]")));
    assertEquals(Optional.of("cli"), id.clientId());
    assertEquals(Authenticator.tokenHash(token), id.tokenHash());
    assertEquals(16, id.tokenHash().length());
    assertFalse(id.toString().contains(token.substring(0, 20)));
  }

  @Test
  void es256AndEdDsa_whenAllowed_areAccepted() throws Exception {
    String es = a.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(a.ec.getKeyID()).build(),
        a.claims(clock).build(), a.ec);
    assertEquals("alice", ok(es).subject());
    assertEquals("alice", ok(a.eddsa(a.claims(clock).build())).subject());
  }

  @Test
  void algorithmNotListedForIssuer_isRefused() throws Exception {
    String es = b.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(b.ec.getKeyID()).build(),
        b.claims(clock).build(), b.ec);
    assertFails(es, Reason.ALGORITHM_NOT_ACCEPTED, "algorithm ES256 not accepted for this issuer");
  }

  @Test
  void algNone_isRefused() throws Exception {
    String none = TestIssuer.b64("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + TestIssuer.b64(a.claims(clock).build().toString().getBytes(StandardCharsets.UTF_8)) + ".";
    assertFails(none, Reason.ALGORITHM_NOT_ACCEPTED, "unsigned tokens are not accepted");
    assertFails(none + "AAAA", Reason.ALGORITHM_NOT_ACCEPTED, "unsigned tokens (alg none)");
  }

  @Test
  void hs256SignedWithThePublicKey_isRefused() throws Exception {
    byte[] publicKeyBytes = a.rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    String forged = TestIssuer.compact(
        "{\"alg\":\"HS256\",\"kid\":\"" + a.rsa.getKeyID() + "\"}", a.claims(clock).build().toString(),
        input -> {
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(new SecretKeySpec(publicKeyBytes, "HmacSHA256"));
          return mac.doFinal(input);
        });
    assertFails(forged, Reason.ALGORITHM_NOT_ACCEPTED, "algorithm HS256 not accepted");
  }

  @Test
  void tamperedPayload_failsSignature() throws Exception {
    String[] parts = a.rs256(a.claims(clock).build()).split("\\.");
    String evil = TestIssuer.b64(a.claims(clock).subject("root").build().toString()
        .getBytes(StandardCharsets.UTF_8));
    assertFails(parts[0] + "." + evil + "." + parts[2], Reason.SIGNATURE_INVALID, "signature invalid");
  }

  @Test
  void issuerConfusion_keyOfIssuerAClaimingIssuerB_isRefused() throws Exception {
    JWTClaimsSet claimsB = b.claims(clock).build();
    String withKidOfA = a.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(a.rsa.getKeyID()).build(),
        claimsB, a.rsa);
    String withKidOfB = a.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(b.rsa.getKeyID()).build(),
        claimsB, a.rsa);
    assertFails(withKidOfA, Reason.UNKNOWN_SIGNING_KEY, "signing key not found at the issuer");
    assertFails(withKidOfB, Reason.SIGNATURE_INVALID, "signature invalid");
  }

  @Test
  void headersNamingTheirOwnKeys_orCriticalParams_areRefused() throws Exception {
    JWTClaimsSet claims = a.claims(clock).build();
    JWSHeader.Builder base = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(a.rsa.getKeyID());
    List<JWSHeader> headers = List.of(
        new JWSHeader.Builder(base.build()).jwkURL(URI.create("https://evil.example/jwks")).build(),
        new JWSHeader.Builder(base.build()).x509CertURL(URI.create("https://evil.example/c")).build(),
        new JWSHeader.Builder(base.build()).jwk(a.rsa.toPublicJWK()).build(),
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(a.rsa.getKeyID())
            .criticalParams(Set.of("x-policy")).customParam("x-policy", 1).build());
    for (JWSHeader header : headers) {
      Reason reason = failure(a.sign(header, claims, a.rsa)).reason();
      assertEquals(Reason.FORBIDDEN_HEADER, reason, header.toString());
    }
  }

  @Test
  void lifetimeClaims_areCheckedWithLeeway() throws Exception {
    Date now = Date.from(clock.instant());
    Date minus2m = Date.from(clock.instant().minus(Duration.ofMinutes(2)));
    Date minus30s = Date.from(clock.instant().minusSeconds(30));
    Date plus2m = Date.from(clock.instant().plus(Duration.ofMinutes(2)));
    assertFails(a.rs256(a.claims(clock).expirationTime(minus2m).build()), Reason.EXPIRED, "token expired");
    assertEquals("alice", ok(a.rs256(a.claims(clock).expirationTime(minus30s).issueTime(minus2m)
        .notBeforeTime(minus2m).build())).subject());
    assertFails(a.rs256(a.claims(clock).notBeforeTime(plus2m).build()), Reason.NOT_YET_VALID,
        "token not yet valid (nbf)");
    assertFails(a.rs256(a.claims(clock).issueTime(plus2m).build()), Reason.ISSUED_IN_FUTURE,
        "token issued in the future");
    assertFails(a.rs256(a.claims(clock).expirationTime(null).issueTime(now).build()), Reason.MALFORMED,
        "token has no exp claim");
  }

  @Test
  void audienceSubjectAndIssuer_areRequired() throws Exception {
    assertFails(a.rs256(a.claims(clock).audience(List.of("other", "another")).build()),
        Reason.AUDIENCE_NOT_ACCEPTED, "audience not accepted");
    assertEquals("alice", ok(a.rs256(a.claims(clock).audience(List.of("other", "broker")).build())).subject());
    assertFails(a.rs256(a.claims(clock).subject(null).build()), Reason.MALFORMED, "token has no sub claim");
    assertFails(a.rs256(a.claims(clock).issuer("https://evil.example.com").build()),
        Reason.ISSUER_NOT_TRUSTED, "issuer not trusted: 'https://evil.example.com'");
    assertFails(a.rs256(a.claims(clock).issuer(null).build()), Reason.MALFORMED, "token has no iss claim");
  }

  @Test
  void optionalIssuerRules_typeRequiredClaimsAndMaxAge() throws Exception {
    IssuerConfig base = a.config(Set.of("RS256"));
    IssuerConfig strict = new IssuerConfig(base.issuer(), base.audiences(), base.algorithms(),
        base.clockSkew(), Optional.of(Duration.ofMinutes(10)), Optional.of("at+jwt"),
        List.of("email"), Optional.empty(), base.jwksCacheTtl(), base.jwksMinRefetchInterval(),
        base.outageTolerance(), base.connectTimeout(), base.readTimeout());
    auth = authenticator(strict, b.config(Set.of("RS256")));
    JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(a.rsa.getKeyID());
    JWTClaimsSet good = a.claims(clock).claim("email", "alice@example.com").build();

    assertEquals("alice", ok(a.sign(header.type(new JOSEObjectType("application/at+jwt")).build(), good,
        a.rsa)).subject());
    assertFails(a.sign(header.type(JOSEObjectType.JWT).build(), good, a.rsa), Reason.WRONG_TYPE,
        "token type (typ) must be at+jwt");
    JWSHeader at = header.type(new JOSEObjectType("at+jwt")).build();
    assertFails(a.sign(at, a.claims(clock).build(), a.rsa), Reason.MISSING_CLAIM,
        "token lacks required claim 'email'");
    Date old = Date.from(clock.instant().minus(Duration.ofMinutes(12)));
    assertFails(a.sign(at, a.claims(clock).claim("email", "x").issueTime(old).build(), a.rsa),
        Reason.TOO_OLD, "token too old");
  }

  @Test
  void maxTokenAge_isEnforcedOnCachedTokensToo() throws Exception {
    IssuerConfig base = a.config(Set.of("RS256"));
    IssuerConfig aged = new IssuerConfig(base.issuer(), base.audiences(), base.algorithms(),
        Duration.ZERO, Optional.of(Duration.ofMinutes(5)), Optional.empty(), List.of(),
        Optional.empty(), base.jwksCacheTtl(), base.jwksMinRefetchInterval(),
        base.outageTolerance(), base.connectTimeout(), base.readTimeout());
    auth = authenticator(aged, b.config(Set.of("RS256")));
    String token = a.rs256(a.claims(clock).build()); // exp in 1h, iat now
    ok(token);

    clock.advance(Duration.ofMinutes(6));

    assertEquals(Reason.TOO_OLD, failure(token).reason());
  }

  @Test
  void keysNotForVerification_areNeverCandidates() throws Exception {
    var encryptOnly = new com.nimbusds.jose.jwk.RSAKey.Builder(a.rsa.toRSAPublicKey())
        .keyID(a.rsa.getKeyID()).keyOperations(Set.of(com.nimbusds.jose.jwk.KeyOperation.ENCRYPT))
        .build();
    a.published = new com.nimbusds.jose.jwk.JWKSet(List.of(encryptOnly));
    assertFails(a.rs256(a.claims(clock).build()), Reason.UNKNOWN_SIGNING_KEY, "signing key not found");
  }

  @Test
  void tokenWithoutKid_isRefusedWhenSeveralKeysCouldFit() throws Exception {
    var second = new RSAKeyGenerator(2048).keyID("second").generate();
    a.published = new com.nimbusds.jose.jwk.JWKSet(List.of(a.rsa.toPublicJWK(), second.toPublicJWK()));
    String noKid = a.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), a.claims(clock).build(), a.rsa);
    assertFails(noKid, Reason.UNKNOWN_SIGNING_KEY, "token has no kid and the issuer publishes several keys");

    a.published = new com.nimbusds.jose.jwk.JWKSet(List.of(a.rsa.toPublicJWK()));
    auth = authenticator(a.config(Set.of("RS256")), b.config(Set.of("RS256")));
    assertEquals("alice", ok(noKid).subject(), "with one fitting key, no kid is needed");
  }

  @Test
  void shortRsaKey_isNeverUsed() throws Exception {
    var weak = new RSAKeyGenerator(1024, true).keyID("weak").generate();
    a.published = new com.nimbusds.jose.jwk.JWKSet(List.of(weak.toPublicJWK()));
    String token = TestIssuer.compact("{\"alg\":\"RS256\",\"kid\":\"weak\"}",
        a.claims(clock).build().toString(), input -> {
          java.security.Signature s = java.security.Signature.getInstance("SHA256withRSA");
          s.initSign(weak.toPrivateKey());
          s.update(input);
          return s.sign();
        });
    assertFails(token, Reason.UNKNOWN_SIGNING_KEY, "signing key not found");
  }

  @Test
  void garbage_isMalformedNeverAnotherError() throws Exception {
    String valid = a.rs256(a.claims(clock).build());
    List<String> garbage = List.of("abc", "a.b", "a.b.c", "!!!.???.***", valid.substring(0, valid.length() / 2),
        valid + ".x.y", "..", "e30.e30.e30", "x".repeat(1_000_000),
        valid.substring(0, valid.indexOf('.')) + ".bm90IGpzb24." + valid.substring(valid.lastIndexOf('.') + 1));
    for (String g : garbage) {
      Reason reason = failure(g).reason();
      assertTrue(reason == Reason.MALFORMED || reason == Reason.SIGNATURE_INVALID,
          g.substring(0, Math.min(40, g.length())) + " -> " + reason);
    }
    assertEquals(Reason.MISSING_TOKEN, failure("").reason());
  }

  @Test
  void signatureRespelledInStandardBase64_isRefused() throws Exception {
    String valid = a.rs256(a.claims(clock).build());
    String sig = valid.substring(valid.lastIndexOf('.') + 1);
    String respelled = valid.substring(0, valid.lastIndexOf('.') + 1)
        + (sig.contains("-") ? sig.replace('-', '+') : sig.replace('_', '/'));
    org.junit.jupiter.api.Assumptions.assumeFalse(respelled.equals(valid));
    assertFails(respelled, Reason.MALFORMED, "token parts must be unpadded base64url");
    assertFails(valid + "==", Reason.MALFORMED, "token parts must be unpadded base64url");
  }

  @Test
  void randomMutationsOfAValidToken_failCleanly() throws Exception {
    String valid = a.rs256(a.claims(clock).build());
    Random random = new Random(42);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \"{}";
    for (int i = 0; i < 2_000; i++) {
      char[] chars = valid.toCharArray();
      int pos = random.nextInt(chars.length);
      char replacement = alphabet.charAt(random.nextInt(alphabet.length()));
      if (chars[pos] == replacement) {
        continue;
      }
      chars[pos] = replacement;
      String mutated = new String(chars);
      try {
        auth.authenticate(mutated).get(5, TimeUnit.SECONDS);
        // Not even the slack bits of a part's last character: one token has one spelling.
        fail("accepted at " + pos + " of " + valid.length() + ": '" + valid.charAt(pos) + "' -> '"
            + replacement + "' parts at " + valid.indexOf('.') + "," + valid.lastIndexOf('.'));
      } catch (java.util.concurrent.ExecutionException e) {
        assertTrue(e.getCause() instanceof AuthenticationException, e.getCause().toString());
      }
    }
  }

  @Test
  void validatedToken_isServedFromCacheUntilExpiryButNotBeyond() throws Exception {
    String token = a.rs256(a.claims(clock).build());
    ok(token);
    a.published = new com.nimbusds.jose.jwk.JWKSet(List.of(b.rsa.toPublicJWK()));
    a.down = true;
    clock.advance(Duration.ofMinutes(59));

    assertEquals("alice", ok(token).subject(), "cached: keys are not consulted again");

    clock.advance(Duration.ofMinutes(2));
    assertEquals(Reason.EXPIRED, failure(token).reason(), "never served beyond exp");
  }

  VerifiedIdentity ok(String token) throws Exception {
    return auth.authenticate(token).get(5, TimeUnit.SECONDS);
  }

  AuthenticationException failure(String token) throws Exception {
    try {
      auth.authenticate(token).get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof AuthenticationException ae) {
        return ae;
      }
      throw new AssertionError("not an AuthenticationException", e.getCause());
    } catch (CompletionException e) {
      throw new AssertionError("thrown instead of failing the future", e);
    }
    return fail("token was accepted");
  }

  void assertFails(String token, Reason reason, String messageStart) throws Exception {
    AuthenticationException e = failure(token);
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    assertFalse(token.length() > 10 && e.getMessage().contains(token.substring(token.length() - 10)),
        "message echoes the token: " + e.getMessage());
  }
}
