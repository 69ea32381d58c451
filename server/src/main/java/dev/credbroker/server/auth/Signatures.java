package dev.credbroker.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Chooses which of an issuer's keys may verify a token and checks the signature. A key is a
 * candidate only if its type fits the token's (already allow-listed) algorithm, so no key is ever
 * used with an algorithm it was not made for (RFC 8725 section 3.1). Ed25519 is verified with
 * the JDK because nimbus' own EdDSA verifier needs an extra library.
 */
final class Signatures {
  /** RFC 8725 section 3.5 and NIST SP 800-131A: shorter RSA keys are refused. */
  static final int MIN_RSA_BITS = 2048;
  private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private Signatures() {}

  static List<JWK> candidates(JWKSet keys, JWSAlgorithm alg, String kid) {
    List<JWK> out = new ArrayList<>();
    for (JWK key : keys.getKeys()) {
      if (kid != null && !kid.equals(key.getKeyID())) {
        continue;
      }
      if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
        continue;
      }
      if (key.getKeyOperations() != null
          && !key.getKeyOperations().contains(com.nimbusds.jose.jwk.KeyOperation.VERIFY)) {
        continue;
      }
      if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
        continue;
      }
      if (fits(key, alg)) {
        out.add(key);
      }
    }
    return out;
  }

  static boolean verify(SignedJWT jwt, JWK key) {
    try {
      if (key instanceof RSAKey rsa) {
        return jwt.verify(new RSASSAVerifier(rsa));
      }
      if (key instanceof ECKey ec) {
        return jwt.verify(new ECDSAVerifier(ec));
      }
      if (key instanceof OctetKeyPair okp) {
        return verifyEd25519(jwt, okp);
      }
      return false;
    } catch (JOSEException | GeneralSecurityException | IllegalStateException e) {
      return false;
    }
  }

  private static boolean fits(JWK key, JWSAlgorithm alg) {
    if (JWSAlgorithm.Family.RSA.contains(alg)) {
      return key instanceof RSAKey rsa && rsa.size() >= MIN_RSA_BITS;
    }
    if (JWSAlgorithm.Family.EC.contains(alg)) {
      return key instanceof ECKey ec && Objects.equals(ec.getCurve(), curveOf(alg));
    }
    if (JWSAlgorithm.EdDSA.equals(alg)) {
      return key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
    }
    return false;
  }

  private static Curve curveOf(JWSAlgorithm alg) {
    if (JWSAlgorithm.ES256.equals(alg)) {
      return Curve.P_256;
    }
    if (JWSAlgorithm.ES384.equals(alg)) {
      return Curve.P_384;
    }
    return JWSAlgorithm.ES512.equals(alg) ? Curve.P_521 : null;
  }

  private static boolean verifyEd25519(SignedJWT jwt, OctetKeyPair okp)
      throws GeneralSecurityException {
    byte[] x = okp.getX().decode();
    if (x.length != 32) {
      return false;
    }
    byte[] spki = new byte[ED25519_SPKI_PREFIX.length + x.length];
    System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
    System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, x.length);
    PublicKey publicKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(publicKey);
    verifier.update(jwt.getSigningInput());
    return verifier.verify(jwt.getSignature().decode());
  }
}
