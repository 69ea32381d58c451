package dev.credbroker.server.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The hash chain that makes edits evident. Each record is one JSON line whose last two fields are
 * {@code "prev"} (the previous record's hash) and {@code "hash"}: SHA-256 over the line's bytes up
 * to the {@code ,"hash":} separator. Changing, removing, inserting or reordering a record breaks
 * either its own hash or the next record's {@code prev}.
 */
final class AuditChain {
  /** The {@code prev} of the very first record of a log. */
  static final String GENESIS = "0".repeat(64);
  private static final byte[] HASH_FIELD = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
  /** {@code ,"hash":"} + 64 hex digits + {@code "}}. */
  private static final int SUFFIX = HASH_FIELD.length + 64 + 2;

  private AuditChain() {}

  /** Closes {@code body} (an unterminated JSON object ending with its prev field) with its hash. */
  static String seal(StringBuilder body) {
    String hash = hex(digest(body.toString().getBytes(StandardCharsets.UTF_8)));
    body.append(",\"hash\":\"").append(hash).append("\"}");
    return hash;
  }

  /** The hash a line claims, if the line's bytes really hash to it; empty for any mismatch. */
  static Optional<String> check(byte[] line) {
    int bodyEnd = line.length - SUFFIX;
    if (bodyEnd <= 0 || line[line.length - 2] != '"' || line[line.length - 1] != '}'
        || !Arrays.equals(line, bodyEnd, bodyEnd + HASH_FIELD.length, HASH_FIELD, 0,
            HASH_FIELD.length)) {
      return Optional.empty();
    }
    String claimed = new String(line, bodyEnd + HASH_FIELD.length, 64, StandardCharsets.US_ASCII);
    String actual = hex(digest(Arrays.copyOf(line, bodyEnd)));
    return MessageDigest.isEqual(claimed.getBytes(StandardCharsets.US_ASCII),
        actual.getBytes(StandardCharsets.US_ASCII)) ? Optional.of(actual) : Optional.empty();
  }

  private static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }
}
