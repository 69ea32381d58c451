package dev.credbroker.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.ConfigException;
import dev.credbroker.core.config.TlsConfig;
import dev.credbroker.server.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {
  @TempDir Path dir;
  TestPki pki;

  @BeforeEach
  void createPki() throws Exception {
    pki = TestPki.create(dir);
  }

  @Test
  void load_matchingPair_loadsChainKeyAndClientCa() throws Exception {
    TlsMaterial m = TlsMaterial.load(
        new TlsConfig(pki.serverCert(), pki.serverKey(), Optional.of(pki.caCert())), "server.tls");

    assertEquals("CN=localhost", m.leaf().getSubjectX500Principal().getName());
    assertTrue(m.clientTrustManagers().isPresent());
    assertEquals(1, m.keyManagers().getKeyManagers().length);
  }

  @Test
  void load_keyOfAnotherPair_namesKeyAndCertificate() {
    ConfigException e = assertThrows(ConfigException.class, () -> TlsMaterial.load(
        new TlsConfig(pki.serverCert(), pki.strayKey(), Optional.empty()), "server.tls"));

    assertEquals("server.tls.key", e.keyPath());
    assertTrue(e.getMessage().contains("does not match the certificate in server.tls.cert"),
        e.getMessage());
  }

  @Test
  void load_pkcs1Key_explainsConversion() throws Exception {
    Path pkcs1 = dir.resolve("rsa.key");
    Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

    ConfigException e = assertThrows(ConfigException.class, () -> TlsMaterial.load(
        new TlsConfig(pki.serverCert(), pkcs1, Optional.empty()), "server.tls"));

    assertEquals("server.tls.key", e.keyPath());
    assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());
  }

  @Test
  void load_keyFileAsCertificate_saysNoCertificate() {
    ConfigException e = assertThrows(ConfigException.class, () -> TlsMaterial.load(
        new TlsConfig(pki.serverKey(), pki.serverKey(), Optional.empty()), "server.tls"));

    assertEquals("server.tls.cert", e.keyPath());
  }

  @Test
  void load_corruptedKey_namesFileWithoutKeyBytes() throws Exception {
    Path corrupted = dir.resolve("corrupted.key");
    String body = Files.readString(pki.serverKey()).lines().skip(1).findFirst().orElseThrow();
    Files.writeString(corrupted, "-----BEGIN PRIVATE KEY-----\n" + body.substring(0, 20) + "=" + body.substring(20)
        + "\n-----END PRIVATE KEY-----\n");

    ConfigException e = assertThrows(ConfigException.class, () -> TlsMaterial.load(
        new TlsConfig(pki.serverCert(), corrupted, Optional.empty()), "server.tls"));

    assertEquals("server.tls.key", e.keyPath());
    assertTrue(e.getMessage().contains("not valid base64"), e.getMessage());
    assertFalse(e.getMessage().contains(body.substring(0, 12)), e.getMessage());
  }

  @Test
  void toString_neverShowsTheKey() throws Exception {
    TlsMaterial m = TlsMaterial.load(
        new TlsConfig(pki.serverCert(), pki.serverKey(), Optional.empty()), "server.tls");
    assertEquals("TlsMaterial[leaf=CN=localhost, key=<redacted>, clientCas=0]", m.toString());
  }

  @Test
  void load_certificateAsKey_saysNoPrivateKey() throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> TlsMaterial.load(
        new TlsConfig(pki.serverCert(), pki.serverCert(), Optional.empty()), "server.tls"));

    assertEquals("server.tls.key", e.keyPath());
    assertTrue(e.getMessage().contains("holds no private key"), e.getMessage());
  }
}
