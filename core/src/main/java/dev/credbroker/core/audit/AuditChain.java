package dev.credbroker.core.audit;

import dev.credbroker.core.digest.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The hash chain that makes edits evident. Each record is one JSON line whose last two fields are
 * {@code "prev"} (the previous record's hash) and {@code "hash"}: SHA-256 over the line's bytes up
 * to the {@code ,"hash":} separator. Changing, removing, inserting or reordering a record breaks
 * either its own hash or the next record's {@code prev}. Public for the server's audit writer,
 * which seals what it writes and checks the tail it resumes from.
 */
public final class AuditChain {
  /** The {@code prev} of the very first record of a log. */
  public static final String GENESIS = "0".repeat(64);
  private static final byte[] HASH_FIELD = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LINE_END = "\"}\n".getBytes(StandardCharsets.US_ASCII);
  /** {@code ,"hash":"} + 64 hex digits + {@code "}}. */
  private static final int SUFFIX = HASH_FIELD.length + 64 + 2;

  private AuditChain() {}

  /**
   * Seals the record that starts at {@code start} in {@code out} and runs to its end (an
   * unterminated JSON object whose last field is prev): appends its hash and a newline, and returns
   * the hash.
   */
  public static String seal(RecordBuffer out, int start) {
    String hash = hex(out.sha256Since(start));
    out.write(HASH_FIELD);
    out.writeAscii(hash);
    out.write(LINE_END);
    return hash;
  }

  /** The hash a line claims, if the line's bytes really hash to it; empty for any mismatch. */
  public static Optional<String> check(byte[] line) {
    int bodyEnd = line.length - SUFFIX;
    if (bodyEnd <= 0 || line[line.length - 2] != '"' || line[line.length - 1] != '}'
        || !Arrays.equals(line, bodyEnd, bodyEnd + HASH_FIELD.length, HASH_FIELD, 0,
            HASH_FIELD.length)) {
      return Optional.empty();
    }
    String claimed = new String(line, bodyEnd + HASH_FIELD.length, 64, StandardCharsets.US_ASCII);
    String actual = hex(Sha256.of(line, bodyEnd));
    return MessageDigest.isEqual(claimed.getBytes(StandardCharsets.US_ASCII),
        actual.getBytes(StandardCharsets.US_ASCII)) ? Optional.of(actual) : Optional.empty();
  }

  private static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }
}
