package dev.credbroker.core.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads decision records from audit files and hands over those a query selects, newest first, up
 * to its limit. Files are read in order once, keeping the newest {@code limit} matches (at most
 * {@link AuditQuery#MAX_LIMIT}); with {@code afterRequestId} reading stops at that record, so a
 * page continues with the records older than the previous page's last. Search does not verify the
 * chain (that is {@link AuditVerifier}'s job); lines that are not decision records, such as
 * segment ends and an interrupted last write, are passed over.
 */
public final class AuditSearch {
  private AuditSearch() {}

  /**
   * Streams matches to {@code sink}, which returns false to stop early (a cancelled call).
   * Returns how many records were handed over.
   */
  public static int run(List<Path> files, AuditQuery query, Predicate<AuditEntry> sink)
      throws IOException {
    ArrayDeque<AuditEntry> newest = new ArrayDeque<>();
    boolean[] reachedAfter = {false};
    for (Path file : files) {
      AuditFiles.lines(file, (n, bytes, complete) -> {
        if (!complete) {
          return false;
        }
        AuditEntry entry = AuditEntry.parse(bytes).orElse(null);
        if (entry == null || !AuditJson.DECISION.equals(entry.type())) {
          return true;
        }
        if (query.afterRequestId().isPresent()
            && query.afterRequestId().get().equals(entry.field("request_id"))) {
          reachedAfter[0] = true;
          return false;
        }
        if (query.matches(entry)) {
          if (newest.size() == query.limit()) {
            newest.removeFirst();
          }
          newest.addLast(entry);
        }
        return true;
      });
      if (reachedAfter[0]) {
        break;
      }
    }
    if (query.afterRequestId().isPresent() && !reachedAfter[0]) {
      return 0; // the page's last record is not in these files: nothing is older than it here
    }
    int sent = 0;
    for (Iterator<AuditEntry> it = newest.descendingIterator(); it.hasNext(); ) {
      sent++;
      if (!sink.test(it.next())) {
        break;
      }
    }
    return sent;
  }
}
