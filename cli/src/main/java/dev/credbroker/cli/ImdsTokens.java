package dev.credbroker.cli;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * IMDSv2 session tokens, kept nowhere: a token is its expiry and a MAC of it under a key made at
 * start, so no number of {@code PUT /latest/api/token} requests costs memory, and a token is good
 * only for this process and until its TTL (1 to 21600 seconds, as EC2's IMDS allows).
 */
final class ImdsTokens {
  static final int MAX_TTL_SECONDS = 21_600;
  private static final int MAC_BYTES = 20;
  private static final int TOKEN_CHARS = 40; // base64url of 8 + 20 bytes, unpadded, rounded up

  private final SecretKeySpec key;
  private final Clock clock;

  ImdsTokens(Clock clock) {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    this.key = new SecretKeySpec(k, "HmacSHA256");
    this.clock = clock;
  }

  /** A token valid for {@code ttlSeconds} from now. */
  String issue(int ttlSeconds) {
    if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
      throw new IllegalArgumentException("ttl must be 1 to " + MAX_TTL_SECONDS);
    }
    long expiry = clock.millis() + ttlSeconds * 1000L;
    ByteBuffer b = ByteBuffer.allocate(8 + MAC_BYTES).putLong(expiry).put(mac(expiry));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  /** Whether {@code token} was issued here and has not expired; false for anything else. */
  boolean valid(String token) {
    if (token == null || token.length() > TOKEN_CHARS) {
      return false;
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (raw.length != 8 + MAC_BYTES) {
      return false;
    }
    long expiry = ByteBuffer.wrap(raw).getLong();
    return MessageDigest.isEqual(mac(expiry), Arrays.copyOfRange(raw, 8, raw.length))
        && clock.millis() < expiry;
  }

  private byte[] mac(long expiry) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return Arrays.copyOf(m.doFinal(ByteBuffer.allocate(8).putLong(expiry).array()), MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
