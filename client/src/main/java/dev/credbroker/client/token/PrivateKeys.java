package dev.credbroker.client.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/** Client signing keys from files: PEM PKCS#8 ({@code BEGIN PRIVATE KEY}) or a private JWK. */
public final class PrivateKeys {
  /** A private key and the key id the identity provider knows it by, if any. */
  public record SigningKey(PrivateKey key, Optional<String> keyId) {
    @Override
    public String toString() {
      return "SigningKey[" + key.getAlgorithm() + ", keyId=" + keyId.orElse("-") + "]";
    }
  }

  private PrivateKeys() {}

  public static SigningKey read(Path file) throws IOException {
    String text = Files.readString(file).strip();
    if (text.startsWith("{")) {
      try {
        JWK jwk = JWK.parse(text);
        if (!jwk.isPrivate() || !(jwk instanceof AsymmetricJWK asym)) {
          throw new IOException(file + " is not a private RSA or EC JWK");
        }
        return new SigningKey(asym.toPrivateKey(), Optional.ofNullable(jwk.getKeyID()));
      } catch (java.text.ParseException | JOSEException e) {
        throw new IOException(file + " is not a valid JWK");
      }
    }
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IOException(file + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----)"
          + " and is not a JWK; convert with: openssl pkcs8 -topk8 -nocrypt");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " holds a damaged PEM block");
    }
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return new SigningKey(KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)),
            Optional.empty());
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IOException(file + " holds a private key that is neither RSA nor EC");
  }
}
