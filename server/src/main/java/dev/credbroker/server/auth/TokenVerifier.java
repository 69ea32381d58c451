package dev.credbroker.server.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.credbroker.core.config.IssuerConfig;
import dev.credbroker.server.auth.AuthenticationException.Reason;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Decides whether one token is valid, following RFC 7519, RFC 8725 (JWT best current practices)
 * and OpenID Connect Core section 3.1.3.7. Order matters: the unverified {@code iss} only selects
 * which issuer's rules and keys apply; the signature is checked before any other claim is
 * believed.
 */
final class TokenVerifier {
  /** Longer than any real access or ID token; bounds parsing work for garbage. */
  static final int MAX_TOKEN_CHARS = 16 * 1024;

  private final Map<String, Issuer> issuers;
  private final Clock clock;
  private final java.util.concurrent.Executor cpu;

  record Issuer(IssuerConfig config, IssuerKeys keys) {}

  /**
   * Signature checks run on {@code cpu}, never on the caller's thread: a flood of fresh (or
   * forged) tokens then queues there instead of stalling the gRPC transport threads.
   */
  TokenVerifier(Map<String, Issuer> issuers, Clock clock, java.util.concurrent.Executor cpu) {
    this.issuers = Map.copyOf(issuers);
    this.clock = clock;
    this.cpu = cpu;
  }

  CompletableFuture<VerifiedIdentity> verify(String token, String tokenHash) {
    SignedJWT jwt;
    JWTClaimsSet unverified;
    Issuer issuer;
    try {
      jwt = parse(token);
      unverified = claims(jwt);
      issuer = issuerOf(unverified);
      checkHeader(jwt.getHeader(), issuer.config());
    } catch (AuthenticationException e) {
      return CompletableFuture.failedFuture(e);
    }
    String kid = jwt.getHeader().getKeyID();
    return issuer.keys().keysFor(kid).thenApplyAsync(keys -> {
      List<JWK> candidates = Signatures.candidates(keys, jwt.getHeader().getAlgorithm(), kid);
      if (candidates.isEmpty()) {
        throw fail(Reason.UNKNOWN_SIGNING_KEY, "signing key not found at the issuer"
            + (kid == null ? "" : " (kid '" + printable(kid) + "')"));
      }
      if (candidates.size() > 1) {
        // Only possible without a kid. Trying every key would multiply the cost of garbage.
        throw fail(Reason.UNKNOWN_SIGNING_KEY,
            "token has no kid and the issuer publishes several keys for its algorithm");
      }
      if (candidates.stream().noneMatch(key -> Signatures.verify(jwt, key))) {
        throw fail(Reason.SIGNATURE_INVALID, "signature invalid");
      }
      return identity(unverified, issuer.config(), tokenHash);
    }, cpu);
  }

  private static SignedJWT parse(String token) throws AuthenticationException {
    if (token.length() > MAX_TOKEN_CHARS) {
      throw checked(Reason.MALFORMED, "token longer than " + MAX_TOKEN_CHARS + " characters");
    }
    long dots = token.chars().filter(c -> c == '.').count();
    if (dots == 4) {
      throw checked(Reason.MALFORMED, "encrypted tokens (JWE) are not accepted; send a signed JWT");
    }
    if (dots != 2) {
      throw checked(Reason.MALFORMED, "token is not a JWT (expected three base64url parts)");
    }
    if (token.endsWith(".") && decodesToAlgNone(token.substring(0, token.indexOf('.')))) {
      throw checked(Reason.ALGORITHM_NOT_ACCEPTED, "unsigned tokens are not accepted");
    }
    if (!canonicalParts(token)) {
      // RFC 7515 section 2: unpadded base64url only, in its one canonical spelling. Lenient
      // decoding would let one token be spelled many ways, which breaks the token hash used for
      // caching and correlation.
      throw checked(Reason.MALFORMED, "token parts must be unpadded base64url,"
          + " spelled canonically (unused bits of the last character zero)");
    }
    try {
      return SignedJWT.parse(token);
    } catch (ParseException | IllegalArgumentException e) {
      String header = token.substring(0, token.indexOf('.'));
      if (decodesToAlgNone(header)) {
        throw checked(Reason.ALGORITHM_NOT_ACCEPTED, "unsigned tokens (alg none) are not accepted");
      }
      throw checked(Reason.MALFORMED, "token is not a well-formed signed JWT");
    }
  }

  /** Header and payload non-empty, signature possibly empty (refused later), all canonical. */
  private static boolean canonicalParts(String token) {
    int first = token.indexOf('.');
    int second = token.indexOf('.', first + 1);
    return first > 0 && second > first + 1
        && CanonicalBase64Url.isCanonical(token, 0, first)
        && CanonicalBase64Url.isCanonical(token, first + 1, second)
        && CanonicalBase64Url.isCanonical(token, second + 1, token.length());
  }

  private static JWTClaimsSet claims(SignedJWT jwt) throws AuthenticationException {
    try {
      return jwt.getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      throw checked(Reason.MALFORMED, "token payload is not a JSON claims set");
    }
  }

  private Issuer issuerOf(JWTClaimsSet claims) throws AuthenticationException {
    String iss = claims.getIssuer();
    if (iss == null || iss.isEmpty()) {
      throw checked(Reason.MALFORMED, "token has no iss claim");
    }
    Issuer issuer = issuers.get(iss);
    if (issuer == null) {
      throw checked(Reason.ISSUER_NOT_TRUSTED, "issuer not trusted: '" + printable(iss) + "'");
    }
    return issuer;
  }

  private static void checkHeader(JWSHeader h, IssuerConfig config) throws AuthenticationException {
    JWSAlgorithm alg = h.getAlgorithm();
    if (!config.algorithms().contains(alg.getName())) {
      throw checked(Reason.ALGORITHM_NOT_ACCEPTED, "algorithm " + printable(alg.getName())
          + " not accepted for this issuer");
    }
    if (h.getJWKURL() != null || h.getX509CertURL() != null || h.getJWK() != null
        || h.getX509CertChain() != null) {
      throw checked(Reason.FORBIDDEN_HEADER,
          "tokens naming their own keys (jku, x5u, jwk, x5c headers) are not accepted");
    }
    if (h.getCriticalParams() != null && !h.getCriticalParams().isEmpty()) {
      throw checked(Reason.FORBIDDEN_HEADER, "critical header parameters are not understood");
    }
    if (config.requiredType().isPresent() && !typeMatches(h.getType(), config.requiredType().get())) {
      throw checked(Reason.WRONG_TYPE, "token type (typ) must be " + config.requiredType().get());
    }
  }

  /** RFC 8725 section 3.11: compare media types case-insensitively, "application/" optional. */
  private static boolean typeMatches(JOSEObjectType actual, String required) {
    if (actual == null) {
      return false;
    }
    String a = actual.getType().toLowerCase(Locale.ROOT).replaceFirst("^application/", "");
    return a.equals(required.toLowerCase(Locale.ROOT).replaceFirst("^application/", ""));
  }

  private VerifiedIdentity identity(JWTClaimsSet c, IssuerConfig config, String tokenHash) {
    Instant now = clock.instant();
    Duration skew = config.clockSkew();
    Instant exp = instant(c.getExpirationTime());
    if (exp == null) {
      throw fail(Reason.MALFORMED, "token has no exp claim");
    }
    if (now.isAfter(exp.plus(skew))) {
      throw fail(Reason.EXPIRED, "token expired");
    }
    Instant nbf = instant(c.getNotBeforeTime());
    if (nbf != null && nbf.isAfter(now.plus(skew))) {
      throw fail(Reason.NOT_YET_VALID, "token not yet valid (nbf)");
    }
    Instant iat = instant(c.getIssueTime());
    if (iat != null && iat.isAfter(now.plus(skew))) {
      throw fail(Reason.ISSUED_IN_FUTURE, "token issued in the future (iat); check clocks");
    }
    Instant acceptUntil = exp;
    if (config.maxTokenAge().isPresent()) {
      if (iat == null) {
        throw fail(Reason.MISSING_CLAIM, "token has no iat claim, required by max_token_age");
      }
      Instant ageLimit = iat.plus(config.maxTokenAge().get()).plus(skew);
      if (now.isAfter(ageLimit)) {
        throw fail(Reason.TOO_OLD, "token too old (issued more than "
            + config.maxTokenAge().get().toMinutes() + " minutes ago)");
      }
      acceptUntil = ageLimit.isBefore(exp) ? ageLimit : exp;
    }
    List<String> audiences = c.getAudience();
    if (audiences.stream().noneMatch(config.audiences()::contains)) {
      throw fail(Reason.AUDIENCE_NOT_ACCEPTED, "audience not accepted");
    }
    String sub = c.getSubject();
    if (sub == null || sub.isEmpty()) {
      throw fail(Reason.MALFORMED, "token has no sub claim");
    }
    for (String required : config.requiredClaims()) {
      if (c.getClaim(required) == null) {
        throw fail(Reason.MISSING_CLAIM, "token lacks required claim '" + required + "'");
      }
    }
    return new VerifiedIdentity(c.getIssuer(), sub, exp, Optional.ofNullable(iat), audiences,
        c.getClaims(), tokenHash, acceptUntil);
  }

  private static boolean decodesToAlgNone(String headerPart) {
    try {
      String json = new String(java.util.Base64.getUrlDecoder().decode(headerPart),
          java.nio.charset.StandardCharsets.UTF_8);
      return json.replace(" ", "").toLowerCase(Locale.ROOT).contains("\"alg\":\"none\"");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Instant instant(Date d) {
    return d == null ? null : d.toInstant();
  }

  /** Keeps attacker-chosen text in messages short and printable. */
  static String printable(String s) {
    String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
  }

  private static AuthenticationException checked(Reason reason, String message) {
    return new AuthenticationException(reason, message);
  }

  private static java.util.concurrent.CompletionException fail(Reason reason, String message) {
    return new java.util.concurrent.CompletionException(new AuthenticationException(reason, message));
  }
}
