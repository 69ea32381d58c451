package dev.credbroker.core.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads decision records from audit files in order and hands over those a query selects, up to its
 * limit. Search does not verify the chain (that is {@link AuditVerifier}'s job); lines that are
 * not decision records, such as segment ends and an interrupted last write, are passed over.
 */
public final class AuditSearch {
  private AuditSearch() {}

  /**
   * Streams matches to {@code sink}, which returns false to stop early (a cancelled call).
   * Returns how many records were handed over.
   */
  public static int run(List<Path> files, AuditQuery query, Predicate<AuditEntry> sink)
      throws IOException {
    int[] sent = {0};
    boolean[] resumed = {query.afterRequestId().isEmpty()};
    boolean[] stop = {false};
    for (Path file : files) {
      AuditFiles.lines(file, (n, bytes, complete) -> {
        if (!complete) {
          return false;
        }
        AuditEntry entry = AuditEntry.parse(bytes).orElse(null);
        if (entry == null || !AuditJson.DECISION.equals(entry.type())) {
          return true;
        }
        if (!resumed[0]) {
          resumed[0] = query.afterRequestId().get().equals(entry.field("request_id"));
          return true;
        }
        if (query.matches(entry)) {
          sent[0]++;
          if (!sink.test(entry) || sent[0] >= query.limit()) {
            stop[0] = true;
            return false;
          }
        }
        return true;
      });
      if (stop[0]) {
        break;
      }
    }
    return sent[0];
  }
}
