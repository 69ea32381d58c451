package dev.credbroker.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and unencrypted PKCS#8 private keys with the JDK alone. Errors say what
 * the file holds instead and how to convert it; they never include key material.
 */
public final class PemFiles {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
  private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448"};

  private PemFiles() {}

  /** All certificates in the file, leaf first as written. */
  public static List<X509Certificate> certificates(Path file) throws InvalidPemException {
    byte[] bytes = read(file);
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (var c : factory.generateCertificates(new ByteArrayInputStream(bytes))) {
        out.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new InvalidPemException(file + " does not hold a readable PEM certificate");
    }
    if (out.isEmpty()) {
      throw new InvalidPemException(file + " holds no certificate (expected -----BEGIN CERTIFICATE-----)");
    }
    return List.copyOf(out);
  }

  /** The single private key in the file. */
  public static PrivateKey privateKey(Path file) throws InvalidPemException {
    String text = new String(read(file), StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(file, decode(file, m.group(2)));
        case "RSA PRIVATE KEY":
        case "EC PRIVATE KEY":
          throw new InvalidPemException(file + " holds a " + type + " (PKCS#1/SEC1); convert it with"
              + " 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem'");
        case "ENCRYPTED PRIVATE KEY":
          throw new InvalidPemException(file + " holds an encrypted key; decrypt it with"
              + " 'openssl pkcs8 -in KEY -out KEY.pkcs8.pem' and protect the file by permissions");
        default:
          // Certificates or parameters may share the file; keep looking for the key.
      }
    }
    throw new InvalidPemException(file + " holds no private key (expected -----BEGIN PRIVATE KEY-----)");
  }

  private static PrivateKey pkcs8(Path file, byte[] der) throws InvalidPemException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // Not this algorithm; try the next.
      }
    }
    throw new InvalidPemException(file + " holds a private key of an unsupported type"
        + " (supported: RSA, EC, Ed25519, Ed448)");
  }

  private static byte[] decode(Path file, String base64) throws InvalidPemException {
    try {
      return Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidPemException(file + " holds a private key block that is not valid base64");
    }
  }

  private static byte[] read(Path file) throws InvalidPemException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidPemException("cannot read " + file + ": " + e.getClass().getSimpleName());
    }
  }
}
