package dev.credbroker.core.audit;

import dev.credbroker.core.digest.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The broker's Ed25519 key for signing audit checkpoints (RFC 8032). The hash chain shows edits;
 * only a signature over the chain's head shows a consistent re-chained forgery, so the key, not
 * the file, is the boundary: it is readable by the broker's user alone, and a key file others can
 * read is refused. Generated on first start, with its public half written beside it
 * ({@code .pub}) for {@code credbroker audit verify --public-key}.
 */
public final class AuditSigner {
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");
  private static final Set<PosixFilePermission> OTHERS = Set.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private AuditSigner(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** Reads the key file, or creates it (and its {@code .pub}) when it does not exist. */
  public static AuditSigner loadOrCreate(Path keyFile) throws IOException {
    if (Files.exists(keyFile)) {
      return load(keyFile);
    }
    AuditSigner created = generate();
    String privatePem = pem("PRIVATE KEY", created.privateKey.getEncoded());
    String publicPem = pem("PUBLIC KEY", created.publicKey.getEncoded());
    Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.writeString(keyFile, privatePem + publicPem, StandardOpenOption.TRUNCATE_EXISTING);
    Files.writeString(publicKeyFile(keyFile), publicPem);
    return created;
  }

  /** Where the public half of {@code keyFile} is written. */
  public static Path publicKeyFile(Path keyFile) {
    return keyFile.resolveSibling(keyFile.getFileName() + ".pub");
  }

  /** A public key from a PEM file ({@code PUBLIC KEY}, as written beside the key). */
  public static PublicKey readPublicKey(Path file) throws IOException {
    byte[] der = block(Files.readString(file), "PUBLIC KEY", file);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not an Ed25519 public key");
    }
  }

  /** Whether {@code signature} (base64url) is {@code key}'s over {@code message}. */
  public static boolean verify(PublicKey key, byte[] message, String signature) {
    try {
      Signature v = Signature.getInstance("Ed25519");
      v.initVerify(key);
      v.update(message);
      return v.verify(Base64.getUrlDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /** A short, stable name for a public key: 16 hex digits of the SHA-256 of its encoding. */
  public static String keyId(PublicKey key) {
    return HexFormat.of().formatHex(Sha256.of(key.getEncoded(), key.getEncoded().length), 0, 8);
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  public String keyId() {
    return keyId(publicKey);
  }

  /** The base64url Ed25519 signature of {@code message}. */
  String sign(byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(message);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed with a key that loaded", e);
    }
  }

  private static AuditSigner load(Path keyFile) throws IOException {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
      if (perms.stream().anyMatch(OTHERS::contains)) {
        throw new IOException("the audit signing key " + keyFile + " is readable or writable by"
            + " others (" + PosixFilePermissions.toString(perms) + "); chmod 600 it");
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the folder's protection applies
    }
    String text = Files.readString(keyFile, StandardCharsets.US_ASCII);
    AuditSigner signer;
    try {
      KeyFactory keys = KeyFactory.getInstance("Ed25519");
      signer = new AuditSigner(
          keys.generatePrivate(new PKCS8EncodedKeySpec(block(text, "PRIVATE KEY", keyFile))),
          keys.generatePublic(new X509EncodedKeySpec(block(text, "PUBLIC KEY", keyFile))));
    } catch (GeneralSecurityException e) {
      throw new IOException("the audit signing key " + keyFile + " is not an Ed25519 key pair");
    }
    byte[] probe = "credbroker-audit-key-probe".getBytes(StandardCharsets.US_ASCII);
    if (!verify(signer.publicKey, probe, signer.sign(probe))) {
      throw new IOException("the audit signing key " + keyFile + " holds a private and a public"
          + " key that do not belong together");
    }
    return signer;
  }

  private static AuditSigner generate() throws IOException {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new AuditSigner(pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IOException("this Java runtime cannot generate Ed25519 keys");
    }
  }

  private static byte[] block(String text, String type, Path file) throws IOException {
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        try {
          return Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
          break;
        }
      }
    }
    throw new IOException(file + " has no readable PEM " + type + " block");
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
