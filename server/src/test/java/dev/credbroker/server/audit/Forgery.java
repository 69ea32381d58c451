package dev.credbroker.server.audit;

import dev.credbroker.core.audit.AuditChain;
import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.RecordBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a forger with write access but without the signing key can do: reseal an edited record,
 * and rewrite every record after it so the hash chain (and each checkpoint's named head) holds
 * again. Only the checkpoints' signatures then show the forgery.
 */
final class Forgery {
  private Forgery() {}

  /** The line with its hash recomputed over its (edited) contents. */
  static String reseal(String line) {
    RecordBuffer sealed = new RecordBuffer(4096);
    sealed.write(line.substring(0, line.indexOf(",\"hash\":")).getBytes(StandardCharsets.UTF_8));
    AuditChain.seal(sealed, 0);
    return new String(sealed.view().array(), 0, sealed.size(), StandardCharsets.UTF_8).strip();
  }

  /**
   * Rewrites {@code file} from line {@code from} (0-based) and every later segment: each record
   * gets the next seq, the previous record's hash as prev (and as a checkpoint's head), a new hash.
   */
  static void rechain(List<Path> segments, Path file, int from) throws Exception {
    String prev = null;
    long seq = 0;
    boolean started = false;
    for (Path f : segments) {
      List<String> lines = new ArrayList<>(Files.readAllLines(f, StandardCharsets.UTF_8));
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (f.equals(file) && i == from) {
          started = true;
        }
        if (started) {
          String moved = line.replaceFirst("\"seq\":\\d+", "\"seq\":" + (seq + 1))
              .replaceFirst("\"prev\":\"[0-9a-f]{64}\"", "\"prev\":\"" + prev + "\"")
              .replaceFirst("\"head_seq\":\\d+", "\"head_seq\":" + seq)
              .replaceFirst("\"head_hash\":\"[0-9a-f]{64}\"", "\"head_hash\":\"" + prev + "\"");
          line = reseal(moved);
          lines.set(i, line);
        }
        prev = AuditChain.check(line.getBytes(StandardCharsets.UTF_8)).orElseThrow();
        seq = AuditEntry.parse(line.getBytes(StandardCharsets.UTF_8)).orElseThrow().seq();
      }
      Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }
  }
}
