package dev.credbroker.server.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Checks audit files against their hash chain and names the first record that breaks it: an edited
 * record fails its own hash; a deleted, inserted or reordered one breaks the sequence or the next
 * record's {@code prev}; a cut-off file ends in an incomplete line or, for a rotated segment,
 * without its {@code segment_end} record. Files may be given in any order; they are checked in
 * chain order.
 */
public final class AuditVerifier {
  private long firstSeq = -1;
  private long expectedSeq = -1;
  private String expectedPrev;
  private long verified;
  private Problem problem;
  private final List<String> notes = new ArrayList<>();

  /** Where the chain first breaks. */
  public record Problem(Path file, long line, long seq, String what) {
    @Override
    public String toString() {
      return file + ":" + line + (seq > 0 ? " (seq " + seq + ")" : "") + ": " + what;
    }
  }

  /** How many records verified before the first problem, and anything worth knowing. */
  public record Report(long verified, long firstSeq, long lastSeq, Optional<Problem> problem,
      List<String> notes) {
    public boolean ok() {
      return problem.isEmpty();
    }
  }

  private AuditVerifier() {}

  public static Report verify(List<Path> files) throws IOException {
    return new AuditVerifier().run(files);
  }

  private Report run(List<Path> files) throws IOException {
    List<Segment> segments = new ArrayList<>();
    for (Path f : files) {
      segments.add(new Segment(f, firstSeq(f)));
    }
    segments.sort(Comparator.comparingLong(Segment::firstSeq));
    for (int i = 0; i < segments.size() && problem == null; i++) {
      Path file = segments.get(i).file();
      String lastType = check(file);
      if (problem == null && i < segments.size() - 1 && !AuditJson.SEGMENT_END.equals(lastType)) {
        problem = new Problem(file, 0, 0, "ends without its segment_end record: the file was"
            + " truncated, or a later file is not the next segment");
      }
    }
    return new Report(verified, firstSeq, expectedSeq - 1, Optional.ofNullable(problem),
        List.copyOf(notes));
  }

  private record Segment(Path file, long firstSeq) {}

  private static long firstSeq(Path file) throws IOException {
    long[] seq = {Long.MAX_VALUE};
    AuditFiles.lines(file, (n, line, complete) -> {
      seq[0] = AuditEntry.parse(line).map(AuditEntry::seq).orElse(Long.MAX_VALUE);
      return false;
    });
    return seq[0];
  }

  /** Checks one file's records; returns the type of its last record. */
  private String check(Path file) throws IOException {
    String[] lastType = {""};
    AuditFiles.lines(file, (number, bytes, complete) -> {
      Optional<String> problemText = checkLine(bytes, complete, lastType);
      if (problemText.isPresent()) {
        long seq = AuditEntry.parse(bytes).map(AuditEntry::seq).orElse(0L);
        problem = new Problem(file, number, seq, problemText.get());
        return false;
      }
      verified++;
      return true;
    });
    return lastType[0];
  }

  private Optional<String> checkLine(byte[] bytes, boolean complete, String[] lastType) {
    if (!complete) {
      return Optional.of("incomplete record (an interrupted write, or the file was cut)");
    }
    Optional<String> hash = AuditChain.check(bytes);
    Optional<AuditEntry> line = AuditEntry.parse(bytes);
    if (hash.isEmpty() || line.isEmpty() || line.get().seq() < 1) {
      return Optional.of("the record's hash does not match its contents: it was edited");
    }
    long seq = line.get().seq();
    if (expectedSeq < 0) {
      firstSeq = seq;
      if (seq != 1 || !AuditChain.GENESIS.equals(line.get().prev())) {
        notes.add("the chain starts at seq " + seq + "; earlier records are not in these files");
      }
    } else if (seq > expectedSeq) {
      return Optional.of("expected seq " + expectedSeq + ": " + (seq - 1 > expectedSeq
          ? "records " + expectedSeq + " to " + (seq - 1) + " are" : "that record is")
          + " missing (deleted, or moved elsewhere)");
    } else if (seq < expectedSeq) {
      return Optional.of("expected seq " + expectedSeq + ": a record was inserted, repeated or"
          + " moved here");
    } else if (!expectedPrev.equals(line.get().prev())) {
      return Optional.of("does not follow the record before it (prev hash differs): a record"
          + " here was replaced, inserted or reordered");
    }
    expectedSeq = seq + 1;
    expectedPrev = hash.get();
    lastType[0] = line.get().type();
    return Optional.empty();
  }
}
