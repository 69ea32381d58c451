package dev.credbroker.server.fleet;

import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.AuditFiles;
import dev.credbroker.store.AuditStore;
import dev.credbroker.store.StoredRecord;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the local trail's records that follow a position, in chain order, across rotated segments
 * and the live file; only complete lines (a line still being written is left for the next read).
 * It remembers where it stopped (file and offset) so a caught-up shipper reads only what is new.
 * Records must continue the position's chain: a local trail that does not (cut, replaced or
 * rewritten after it was shipped) is reported, never shipped.
 */
final class TrailReader {
  /** The last seq in a rotated segment's name: {@code audit-<time>-<seq>.jsonl}. */
  private static final Pattern LAST_SEQ = Pattern.compile("-(\\d{12,})\\.[^.]*$");

  private final Path live;
  private Object cursorFile;
  private long cursorOffset;
  private long cursorSeq = -1;

  TrailReader(Path live) {
    this.live = live;
  }

  /** The local trail does not continue the chain the store holds for this broker. */
  static final class Diverged extends Exception {
    private static final long serialVersionUID = 1L;

    Diverged(String message) {
      super(message);
    }
  }

  /** Up to {@code max} records after {@code from}, oldest first. */
  List<StoredRecord> read(AuditStore.Position from, int max) throws IOException, Diverged {
    List<StoredRecord> out = new ArrayList<>();
    String prev = from.hash();
    long next = from.seq() + 1;
    for (Path file : AuditFiles.segments(live)) {
      if (!file.equals(live) && lastSeq(file) < next) {
        continue;
      }
      Object key = Files.readAttributes(file,
          java.nio.file.attribute.BasicFileAttributes.class).fileKey();
      boolean resume = key != null && key.equals(cursorFile) && cursorSeq == next - 1;
      long offset = resume ? cursorOffset : 0;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        ch.position(offset);
        InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
        ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        int b;
        while (out.size() < max && (b = in.read()) != -1) {
          offset++;
          if (b != '\n') {
            line.write(b);
            continue;
          }
          byte[] bytes = line.toByteArray();
          line.reset();
          long seq = AuditEntry.parse(bytes).map(AuditEntry::seq).orElse(-1L);
          if (seq != -1 && seq < next) {
            continue;
          }
          StoredRecord r = StoredRecord.of(bytes).orElse(null);
          if (r == null) {
            throw new Diverged("the local audit record after seq " + (next - 1) + " in " + file
                + " fails its hash check; run 'credbroker audit verify' on the local files");
          }
          if (r.seq() != next || !r.prev().equals(prev)) {
            throw new Diverged("the local audit trail does not continue the chain the store"
                + " holds for this broker (store at seq " + from.seq() + ", next local record"
                + " seq " + r.seq() + " in " + file + "): the local files were cut, replaced or"
                + " rewritten; keep them as evidence and run 'credbroker audit verify --store'");
          }
          out.add(r);
          prev = r.hash();
          next++;
          cursorFile = key;
          cursorOffset = offset;
          cursorSeq = r.seq();
        }
      }
      if (out.size() >= max) {
        break;
      }
    }
    return out;
  }

  /**
   * The seq of the last complete record in the local trail (live file, else newest rotated), 0
   * when there is none: compared with the store's position, it shows a local trail cut below what
   * was already shipped.
   */
  long localHead() throws IOException {
    List<Path> segments = AuditFiles.segments(live);
    for (int i = segments.size() - 1; i >= 0; i--) {
      try (FileChannel ch = FileChannel.open(segments.get(i), StandardOpenOption.READ)) {
        byte[] last = AuditFiles.tail(ch).line();
        if (last.length > 0) {
          return AuditEntry.parse(last).map(AuditEntry::seq).orElse(0L);
        }
      }
    }
    return 0;
  }

  private static long lastSeq(Path rotated) {
    Matcher m = LAST_SEQ.matcher(Objects.toString(rotated.getFileName()));
    return m.find() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
  }
}
