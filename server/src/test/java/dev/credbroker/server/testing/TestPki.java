package dev.credbroker.server.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI written as PEM files: a CA, a server certificate for localhost/127.0.0.1, a
 * client certificate, and a key that belongs to neither.
 */
public record TestPki(Path caCert, Path serverCert, Path serverKey, Path clientCert,
    Path clientKey, Path strayKey) {

  public static TestPki create(Path dir) throws IOException, GeneralSecurityException {
    KeyPair ca = ecKey();
    X509Certificate caCert = sign(ca, "CN=credbroker test CA", ca, "CN=credbroker test CA", true,
        null);
    KeyPair server = ecKey();
    GeneralNames names = new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, "localhost"),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
    X509Certificate serverCert = sign(server, "CN=localhost", ca, "CN=credbroker test CA", false,
        names);
    KeyPair client = ecKey();
    X509Certificate clientCert = sign(client, "CN=test-client", ca, "CN=credbroker test CA", false,
        null);
    TestPki pki = new TestPki(dir.resolve("ca.pem"), dir.resolve("server.pem"),
        dir.resolve("server.key"), dir.resolve("client.pem"), dir.resolve("client.key"),
        dir.resolve("stray.key"));
    writePem(pki.caCert(), "CERTIFICATE", caCert.getEncoded());
    writePem(pki.serverCert(), "CERTIFICATE", serverCert.getEncoded());
    writePem(pki.serverKey(), "PRIVATE KEY", server.getPrivate().getEncoded());
    writePem(pki.clientCert(), "CERTIFICATE", clientCert.getEncoded());
    writePem(pki.clientKey(), "PRIVATE KEY", client.getPrivate().getEncoded());
    writePem(pki.strayKey(), "PRIVATE KEY", ecKey().getPrivate().getEncoded());
    return pki;
  }

  public static void writePem(Path file, String type, byte[] der) throws IOException {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der);
    Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type
        + "-----\n");
  }

  private static KeyPair ecKey() throws GeneralSecurityException {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    return gen.generateKeyPair();
  }

  private static X509Certificate sign(KeyPair subject, String subjectName, KeyPair issuer,
      String issuerName, boolean isCa, GeneralNames sans) throws GeneralSecurityException,
      IOException {
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
        new X500Name(issuerName), BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
        new X500Name(subjectName), subject.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (sans != null) {
      b.addExtension(Extension.subjectAlternativeName, false, sans);
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
