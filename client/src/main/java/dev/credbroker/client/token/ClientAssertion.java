package dev.credbroker.client.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@code private_key_jwt} client assertion (RFC 7523 section 3, OIDC Core section 9): issuer and
 * subject are the client id, the audience is the token endpoint, a fresh {@code jti}, a one-minute
 * lifetime. RSA keys sign RS256; EC keys ES256/ES384/ES512 by curve.
 */
final class ClientAssertion {
  static final Duration LIFETIME = Duration.ofSeconds(60);

  private final JWSSigner signer;
  private final JWSAlgorithm algorithm;
  private final Optional<String> keyId;

  ClientAssertion(PrivateKey key, Optional<String> keyId) {
    this.keyId = keyId;
    try {
      if (key instanceof ECPrivateKey ec) {
        Curve curve = Curve.forECParameterSpec(ec.getParams());
        algorithm = curve == Curve.P_256 ? JWSAlgorithm.ES256 : curve == Curve.P_384
            ? JWSAlgorithm.ES384 : curve == Curve.P_521 ? JWSAlgorithm.ES512 : null;
        if (algorithm == null) {
          throw new IllegalArgumentException("EC client keys must be on P-256, P-384 or P-521");
        }
        signer = new ECDSASigner(ec);
      } else if ("RSA".equals(key.getAlgorithm())) {
        algorithm = JWSAlgorithm.RS256;
        signer = new RSASSASigner(key);
      } else {
        throw new IllegalArgumentException("client keys must be RSA or EC, got " + key.getAlgorithm());
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable client key: " + e.getMessage(), e);
    }
  }

  String sign(String clientId, String audience, Instant now) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(clientId).subject(clientId).audience(audience)
        .jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(LIFETIME)))
        .build();
    JWSHeader.Builder header = new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT);
    keyId.ifPresent(header::keyID);
    SignedJWT jwt = new SignedJWT(header.build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new TokenUnavailableException("cannot sign the client assertion: " + e.getClass().getSimpleName(), e);
    }
    return jwt.serialize();
  }
}
