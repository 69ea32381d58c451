package dev.credbroker.server.tls;

import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.TlsConfig;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's TLS material that can be re-read from its files while the listener runs
 * (cert-manager rotates certificates every 60 days or so). New handshakes use what is current;
 * open connections keep what they negotiated. A re-read that fails (a missing file, a key that
 * does not match the certificate, mid-rotation) keeps the running material and logs why; the
 * next change of a file tries again.
 */
public final class LiveTls {
  private static final Logger log = LoggerFactory.getLogger(LiveTls.class);

  /** How a re-read ended. */
  public enum Reload { APPLIED, UNCHANGED, REFUSED }

  private final Optional<TlsConfig> files;
  private final String keyPath;
  private final AtomicReference<TlsMaterial> current;
  private final SwitchingKeyManager keys;
  private final Optional<SwitchingTrustManager> trust;

  private LiveTls(Optional<TlsConfig> files, String keyPath, TlsMaterial initial)
      throws GeneralSecurityException {
    this.files = files;
    this.keyPath = keyPath;
    this.current = new AtomicReference<>(initial);
    this.keys = new SwitchingKeyManager(initial);
    this.trust = initial.clientCas().isEmpty() ? Optional.empty()
        : Optional.of(new SwitchingTrustManager(clientTrust(initial)));
  }

  /** Reads the files of {@code tls}; errors name the key path of the file at fault. */
  public static LiveTls load(TlsConfig tls, String keyPath) throws ConfigException {
    return create(Optional.of(tls), keyPath, TlsMaterial.load(tls, keyPath));
  }

  /** Material that came from elsewhere and is never re-read (tests, dev mode). */
  public static LiveTls fixed(TlsMaterial material, String keyPath) throws ConfigException {
    return create(Optional.empty(), keyPath, material);
  }

  private static LiveTls create(Optional<TlsConfig> files, String keyPath, TlsMaterial material)
      throws ConfigException {
    try {
      return new LiveTls(files, keyPath, material);
    } catch (GeneralSecurityException e) {
      throw new ConfigException(keyPath, "cannot use the certificates ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
  }

  public TlsMaterial current() {
    return current.get();
  }

  public X509ExtendedKeyManager keyManager() {
    return keys;
  }

  /** Trust for client certificates; empty when mutual TLS is off. */
  public Optional<X509ExtendedTrustManager> trustManager() {
    return trust.map(t -> t);
  }

  /** The files to watch: certificate, key and client CA. */
  public List<Path> files() {
    List<Path> out = new ArrayList<>();
    files.ifPresent(f -> {
      out.add(f.certChain());
      out.add(f.privateKey());
      f.clientCa().ifPresent(out::add);
    });
    return out;
  }

  /**
   * Re-reads the files. Mutual TLS cannot be turned on or off this way (that is a change of
   * configuration, which needs a restart).
   */
  public synchronized Reload reload() {
    if (files.isEmpty()) {
      return Reload.UNCHANGED;
    }
    TlsMaterial next;
    try {
      next = TlsMaterial.load(files.get(), keyPath);
      if (next.clientCas().isPresent() != trust.isPresent()) {
        throw new ConfigException(keyPath + ".client_ca", "mutual TLS cannot be turned on or off"
            + " by a reload; restart the broker");
      }
      if (trust.isPresent()) {
        trust.get().use(clientTrust(next));
      }
    } catch (ConfigException | GeneralSecurityException e) {
      log.warn("TLS reload of {} refused, the running certificate stays: {}", keyPath,
          e.getMessage());
      return Reload.REFUSED;
    }
    if (sameAs(next, current.get())) {
      return Reload.UNCHANGED;
    }
    keys.use(next);
    current.set(next);
    log.info("TLS certificate of {} reloaded: {} valid until {}", keyPath,
        next.leaf().getSubjectX500Principal().getName(), next.leaf().getNotAfter().toInstant());
    return Reload.APPLIED;
  }

  private static boolean sameAs(TlsMaterial a, TlsMaterial b) {
    return a.chain().equals(b.chain()) && a.key().equals(b.key())
        && a.clientCas().equals(b.clientCas());
  }

  private static X509ExtendedTrustManager clientTrust(TlsMaterial material)
      throws GeneralSecurityException {
    for (TrustManager tm : material.clientTrustManagers().orElseThrow().getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager for the client CAs");
  }
}
