package dev.credbroker.core.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of text, and the short hex form used to correlate without revealing the input. Every
 * request hashes its bearer token, so each thread keeps one digest rather than looking the
 * algorithm up per call ({@code digest()} resets it for the next use).
 */
public final class Sha256 {
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  });

  private Sha256() {}

  public static byte[] of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] of(byte[] bytes) {
    return DIGEST.get().digest(bytes);
  }

  public static byte[] of(byte[] bytes, int length) {
    return of(bytes, 0, length);
  }

  public static byte[] of(byte[] bytes, int offset, int length) {
    MessageDigest digest = DIGEST.get();
    digest.update(bytes, offset, length);
    return digest.digest();
  }

  /** The first 16 hex digits (64 bits) of a digest. */
  public static String shortHex(byte[] digest) {
    return HexFormat.of().formatHex(digest, 0, 8);
  }
}
