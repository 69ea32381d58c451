package dev.credbroker.core.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Checks audit files against their hash chain and signed checkpoints, and names the first record
 * that breaks them. The chain shows an edited record (its own hash), a deleted, inserted or
 * reordered one (the sequence, the next record's {@code prev}) and a cut-off file (an incomplete
 * line, a rotated segment without {@code segment_end}, a start that is neither seq 1 nor a
 * {@code segment_start}, no records at all). With the broker's public key, each checkpoint's
 * Ed25519 signature over the head before it shows a consistent re-chained forgery; records after
 * the last checkpoint are reported as unsealed, and an unsealed stretch longer than a checkpoint
 * interval means a checkpoint is missing. A head printed elsewhere ({@code --expect-head}) shows a
 * tail cut off past the last checkpoint. Files may be given in any order.
 */
public final class AuditVerifier {
  /** Slack on top of a checkpoint interval for timer delay and clock steps. */
  static final Duration SLACK = Duration.ofMinutes(1);

  private final Options options;
  private long firstSeq = -1;
  private long expectedSeq = -1;
  private String expectedPrev;
  private long verified;
  private long decisions;
  private long checkpointsVerified;
  private long lastCheckpointSeq;
  private Duration interval = CheckpointFormat.DEFAULT_INTERVAL;
  private Instant firstUnsealed;
  private Instant lastTime = Instant.EPOCH;
  private boolean expectedHeadSeen;
  private boolean anyStart;
  private Problem problem;
  private final List<String> notes = new ArrayList<>();

  /** What to check besides the chain: the broker's public key, a head known from elsewhere. */
  public record Options(Optional<PublicKey> publicKey, Optional<Head> expectHead) {
    public static final Options CHAIN_ONLY = new Options(Optional.empty(), Optional.empty());
  }

  /** A record's sequence number and hash, as printed at checkpoints, rotation and shutdown. */
  public record Head(long seq, String hash) {
    /** Parses {@code SEQ:HASH}. */
    public static Head parse(String text) {
      int colon = text.indexOf(':');
      if (colon < 1 || !text.substring(colon + 1).matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("a head is SEQ:HASH, the hash 64 lowercase hex digits");
      }
      try {
        return new Head(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a head is SEQ:HASH with a decimal SEQ");
      }
    }
  }

  /** Where the chain first breaks. */
  public record Problem(Path file, long line, long seq, String what) {
    @Override
    public String toString() {
      return file + ":" + line + (seq > 0 ? " (seq " + seq + ")" : "") + ": " + what;
    }
  }

  /**
   * How many records verified before the first problem, how many checkpoint signatures held, how
   * many records no checkpoint covers yet, and anything worth knowing.
   */
  public record Report(long verified, long decisions, long firstSeq, long lastSeq,
      long checkpoints, long unsealed, Optional<Problem> problem, List<String> notes) {
    public boolean ok() {
      return problem.isEmpty();
    }
  }

  private AuditVerifier(Options options) {
    this.options = options;
  }

  public static Report verify(List<Path> files) throws IOException {
    return verify(files, Options.CHAIN_ONLY);
  }

  public static Report verify(List<Path> files, Options options) throws IOException {
    return new AuditVerifier(options).run(files);
  }

  /**
   * The restart check of a live file (or, when it holds no record yet, the newest rotated one):
   * its chain holds, every checkpoint is this key's, and what follows the last checkpoint spans
   * at most an interval (an interrupted run), never more (a forged or unsigned tail).
   *
   * @return the sequence number of the file's last checkpoint, 0 when it has none
   * Public for the server's audit writer, which runs it before it continues a file.
   *
   * @throws IOException with what is wrong, for the operator to decide
   */
  public static long checkResume(Path file, PublicKey key) throws IOException {
    AuditVerifier v = new AuditVerifier(new Options(Optional.of(key), Optional.empty()));
    v.check(file);
    v.checkUnsealedSpan(file);
    if (v.problem != null) {
      throw new IOException("the audit file " + file + " fails its check at start: "
          + v.problem + ". Run 'credbroker audit verify --public-key "
          + "<the .pub beside the signing key> " + file + "', keep the file as evidence, move it"
          + " aside, and start again");
    }
    return v.lastCheckpointSeq;
  }

  /**
   * Checks one chain's records given in seq order from somewhere other than files (the fleet
   * store: {@code name} says which broker's). It may start at any seq (older months may have been
   * dropped by retention); a note says where.
   */
  public static Report verifyRecords(Path name, java.util.Iterator<byte[]> records,
      Options options) {
    AuditVerifier v = new AuditVerifier(options);
    v.anyStart = true;
    String[] lastType = {""};
    long position = 0;
    while (records.hasNext() && v.problem == null) {
      byte[] bytes = records.next();
      position++;
      Optional<String> problemText = v.checkLine(bytes, true, lastType);
      if (problemText.isPresent()) {
        long seq = AuditEntry.parse(bytes).map(AuditEntry::seq).orElse(0L);
        v.problem = new Problem(name, position, seq, problemText.get());
      } else {
        v.verified++;
      }
    }
    return v.finish(name);
  }

  private Report run(List<Path> files) throws IOException {
    List<Segment> segments = new ArrayList<>();
    for (Path f : files) {
      segments.add(new Segment(f, firstSeq(f)));
    }
    segments.sort(Comparator.comparingLong(Segment::firstSeq));
    for (int i = 0; i < segments.size() && problem == null; i++) {
      Path file = segments.get(i).file();
      long before = verified;
      String lastType = check(file);
      if (problem == null && verified == before) {
        problem = new Problem(file, 0, 0, "no records: the file was emptied or never written");
      }
      if (problem == null && i < segments.size() - 1 && !AuditJson.SEGMENT_END.equals(lastType)) {
        problem = new Problem(file, 0, 0, "ends without its segment_end record: the file was"
            + " truncated, or a later file is not the next segment");
      }
    }
    Path last = segments.isEmpty() ? Path.of("") : segments.get(segments.size() - 1).file();
    return finish(last);
  }

  private Report finish(Path last) {
    if (problem == null && verified == 0) {
      problem = new Problem(last, 0, 0, "no records: the log was emptied or never written");
    }
    if (problem == null) {
      checkUnsealedSpan(last);
    }
    if (problem == null && options.expectHead().isPresent() && !expectedHeadSeen) {
      Head head = options.expectHead().get();
      problem = new Problem(last, 0, head.seq(), "the expected head seq " + head.seq()
          + " is not in these files, which end at seq " + (expectedSeq - 1) + ": the log was cut");
    }
    if (options.publicKey().isEmpty()) {
      notes.add("checkpoint signatures not checked: give --public-key to detect a re-chained"
          + " forgery");
    }
    return new Report(verified, decisions, firstSeq, expectedSeq - 1, checkpointsVerified,
        unsealed(),
        Optional.ofNullable(problem), List.copyOf(notes));
  }

  private long unsealed() {
    return expectedSeq < 0 ? 0 : expectedSeq - 1 - Math.max(lastCheckpointSeq, firstSeq - 1);
  }

  /** An unsealed stretch longer than an interval: the checkpoint that should end it is missing. */
  private void checkUnsealedSpan(Path file) {
    if (problem != null || firstUnsealed == null || options.publicKey().isEmpty()) {
      return;
    }
    if (Duration.between(firstUnsealed, lastTime).compareTo(interval.plus(SLACK)) > 0) {
      problem = new Problem(file, 0, lastCheckpointSeq + 1, "the records after "
          + (lastCheckpointSeq > 0 ? "the checkpoint at seq " + lastCheckpointSeq : "the start")
          + " span " + Duration.between(firstUnsealed, lastTime).toSeconds() + " s, more than"
          + " the checkpoint interval of " + interval.toSeconds() + " s: a checkpoint is"
          + " missing (a forged or cut log)");
    }
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
    AuditEntry entry = line.get();
    long seq = entry.seq();
    if (expectedSeq < 0) {
      firstSeq = seq;
      boolean genesis = seq == 1 && AuditChain.GENESIS.equals(entry.prev());
      if (!genesis && !anyStart && !AuditJson.SEGMENT_START.equals(entry.type())) {
        return Optional.of("the chain starts at seq " + seq + " without a segment_start record:"
            + " the records before it were deleted");
      }
      if (!genesis) {
        notes.add(anyStart ? "the chain starts at seq " + seq + "; earlier records are not here"
            : "the chain starts at the segment_start at seq " + seq + "; earlier segments"
            + " are not in these files");
      }
    } else if (seq > expectedSeq) {
      return Optional.of("expected seq " + expectedSeq + ": " + (seq - 1 > expectedSeq
          ? "records " + expectedSeq + " to " + (seq - 1) + " are" : "that record is")
          + " missing (deleted, or moved elsewhere)");
    } else if (seq < expectedSeq) {
      return Optional.of("expected seq " + expectedSeq + ": a record was inserted, repeated or"
          + " moved here");
    } else if (!expectedPrev.equals(entry.prev())) {
      return Optional.of("does not follow the record before it (prev hash differs): a record"
          + " here was replaced, inserted or reordered");
    }
    if (AuditJson.CHECKPOINT.equals(entry.type())) {
      Optional<String> bad = checkpoint(entry, seq);
      if (bad.isPresent()) {
        return bad;
      }
    } else if (firstUnsealed == null) {
      firstUnsealed = entry.time();
    }
    Optional<String> head = expectedHead(seq, hash.get());
    if (head.isPresent()) {
      return head;
    }
    if (AuditJson.DECISION.equals(entry.type())) {
      decisions++;
    }
    lastTime = entry.time();
    expectedSeq = seq + 1;
    expectedPrev = hash.get();
    lastType[0] = entry.type();
    return Optional.empty();
  }

  private Optional<String> checkpoint(AuditEntry entry, long seq) {
    if (entry.number("head_seq") != seq - 1 || !entry.field("head_hash").equals(entry.prev())) {
      return Optional.of("a checkpoint that does not name the record before it: forged");
    }
    if (options.publicKey().isPresent()) {
      byte[] message = CheckpointFormat.message(entry.field("broker_id"), seq - 1,
          entry.field("head_hash"), entry.field("time"));
      if (!AuditSigner.verify(options.publicKey().get(), message, entry.field("signature"))) {
        String keyId = AuditSigner.keyId(options.publicKey().get());
        return Optional.of(keyId.equals(entry.field("key_id"))
            ? "the checkpoint's signature does not verify: the records up to it were forged or"
                + " re-chained"
            : "the checkpoint is signed by key " + entry.field("key_id") + ", not by the given"
                + " key " + keyId);
      }
      checkpointsVerified++;
    }
    lastCheckpointSeq = seq;
    firstUnsealed = null;
    if (entry.number("interval_s") > 0) {
      interval = Duration.ofSeconds(entry.number("interval_s"));
    }
    return Optional.empty();
  }

  private Optional<String> expectedHead(long seq, String hash) {
    if (options.expectHead().isEmpty() || options.expectHead().get().seq() != seq) {
      return Optional.empty();
    }
    expectedHeadSeen = true;
    return options.expectHead().get().hash().equals(hash) ? Optional.empty()
        : Optional.of("this record's hash differs from the expected head's: the log was"
            + " rewritten from here or before");
  }
}
