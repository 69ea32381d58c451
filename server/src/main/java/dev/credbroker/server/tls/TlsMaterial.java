package dev.credbroker.server.tls;

import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.TlsConfig;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate chain with its private key, checked to belong together, plus the optional CA that
 * client certificates must chain to. Checking the pair at start turns a mismatched deployment into
 * one clear message instead of every TLS handshake failing later.
 */
public record TlsMaterial(
    List<X509Certificate> chain, PrivateKey key, Optional<List<X509Certificate>> clientCas) {

  public TlsMaterial {
    chain = List.copyOf(chain);
    clientCas = clientCas.map(List::copyOf);
  }

  /**
   * Loads and cross-checks the files named in {@code tls}. Errors carry the key path of the file
   * at fault ({@code server.tls.cert}, {@code .key} or {@code .client_ca}).
   */
  public static TlsMaterial load(TlsConfig tls, String keyPath) throws ConfigException {
    List<X509Certificate> chain = pem(keyPath + ".cert", () -> PemFiles.certificates(tls.certChain()));
    PrivateKey key = pem(keyPath + ".key", () -> PemFiles.privateKey(tls.privateKey()));
    if (!keyMatchesCertificate(key, chain.get(0))) {
      throw new ConfigException(keyPath + ".key", "does not match the certificate in "
          + keyPath + ".cert (" + chain.get(0).getSubjectX500Principal().getName()
          + "); point both at the same key pair");
    }
    Optional<List<X509Certificate>> cas = Optional.empty();
    if (tls.clientCa().isPresent()) {
      cas = Optional.of(pem(keyPath + ".client_ca", () -> PemFiles.certificates(tls.clientCa().get())));
    }
    return new TlsMaterial(chain, key, cas);
  }

  /** Verifies that {@code key} signs what the leaf certificate's public key verifies. */
  public static boolean keyMatchesCertificate(PrivateKey key, X509Certificate leaf) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm();
    };
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Names the certificate; never the key. */
  @Override
  public String toString() {
    return "TlsMaterial[leaf=" + leaf().getSubjectX500Principal().getName() + ", key=<redacted>"
        + ", clientCas=" + clientCas.map(List::size).orElse(0) + "]";
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public boolean expiredAt(Instant now) {
    return leaf().getNotAfter().toInstant().isBefore(now);
  }

  public KeyManagerFactory keyManagers() throws GeneralSecurityException {
    KeyStore store = emptyStore();
    char[] none = new char[0];
    store.setKeyEntry("credbroker", key, none, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, none);
    return kmf;
  }

  /** Trust managers for client certificates; empty when mutual TLS is off. */
  public Optional<TrustManagerFactory> clientTrustManagers() throws GeneralSecurityException {
    if (clientCas.isEmpty()) {
      return Optional.empty();
    }
    KeyStore store = emptyStore();
    int i = 0;
    for (X509Certificate ca : clientCas.get()) {
      store.setCertificateEntry("client-ca-" + i++, ca);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return Optional.of(tmf);
  }

  private interface PemRead<T> {
    T read() throws InvalidPemException;
  }

  private static <T> T pem(String keyPath, PemRead<T> read) throws ConfigException {
    try {
      return read.read();
    } catch (InvalidPemException e) {
      throw new ConfigException(keyPath, e.getMessage());
    }
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      return store;
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException("cannot create an in-memory key store", e);
    }
  }
}
