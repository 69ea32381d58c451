package dev.credbroker.server.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server key manager whose certificate and key can be replaced while the listener runs: each
 * new handshake picks the material current when it starts; connections already open keep theirs.
 * Each material gets an alias of its own, and the TLS stack asks for the chain and the key by the
 * alias it chose, so a handshake that spans a swap still gets a chain and a key that belong
 * together.
 */
final class SwitchingKeyManager extends X509ExtendedKeyManager {
  private final AtomicLong generation = new AtomicLong();
  private final Map<String, TlsMaterial> byAlias = new ConcurrentHashMap<>();
  private volatile String current;

  SwitchingKeyManager(TlsMaterial initial) {
    use(initial);
  }

  /** New handshakes use {@code material}; the one before stays reachable for those under way. */
  synchronized void use(TlsMaterial material) {
    String previous = current;
    String alias = "credbroker-" + generation.incrementAndGet();
    byAlias.put(alias, material);
    current = alias;
    byAlias.keySet().removeIf(a -> !a.equals(alias) && !a.equals(previous));
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return current;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return current;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    TlsMaterial m = byAlias.get(alias);
    return m == null ? null : m.chain().toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    TlsMaterial m = byAlias.get(alias);
    return m == null ? null : m.key();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {current};
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null; // a server's key manager
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
