package dev.credbroker.server.audit;

import dev.credbroker.core.audit.AuditChain;
import dev.credbroker.core.audit.AuditEntry;
import dev.credbroker.core.audit.AuditFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON Lines file, rotated by size and age between batches (so a record is never split), and
 * resumed after a restart: an interrupted last write is cut off and the chain continues from the
 * last complete record, in this file or in the newest rotated one.
 */
final class FileAuditSink implements AuditSink {
  private static final Logger log = LoggerFactory.getLogger(FileAuditSink.class);

  /** Opens the live file; tests substitute channels that fail like a full disk. */
  interface Opener {
    FileChannel open(Path file) throws IOException;
  }

  static final Opener FILES = file -> FileChannel.open(file, StandardOpenOption.CREATE,
      StandardOpenOption.WRITE, StandardOpenOption.READ);

  private final Path live;
  private final long maxBytes;
  private final Optional<Duration> maxAge;
  private final Opener opener;
  private FileChannel channel;
  private long committed;
  private long pending;
  private Instant segmentStarted;
  private boolean startsSegment;

  FileAuditSink(Path live, long maxBytes, Optional<Duration> maxAge, Opener opener) {
    this.live = live;
    this.maxBytes = maxBytes;
    this.maxAge = maxAge;
    this.opener = opener;
  }

  @Override
  public ChainHead open(Instant now) throws IOException {
    Path dir = live.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      throw new IOException("audit directory " + dir + " does not exist");
    }
    boolean created = !Files.exists(live);
    channel = openLocked();
    if (created) {
      restrictPermissions();
    }
    AuditFiles.Tail tail = AuditFiles.tail(channel);
    if (tail.completeLength() < channel.size()) {
      log.warn("audit file {} ended in an interrupted write; cutting {} bytes after the last"
          + " complete record", live, channel.size() - tail.completeLength());
      channel.truncate(tail.completeLength());
      channel.force(true);
    }
    committed = tail.completeLength();
    channel.position(committed);
    segmentStarted = now;
    ChainHead head = tail.line().length > 0 ? head(live, tail.line()) : previousSegmentHead();
    startsSegment = tail.line().length == 0 && head.seq() > 0;
    return head;
  }

  private ChainHead previousSegmentHead() throws IOException {
    Optional<Path> rotated = AuditFiles.newestRotated(live);
    if (rotated.isEmpty()) {
      return ChainHead.START;
    }
    Path newest = rotated.get();
    try (FileChannel previous = FileChannel.open(newest, StandardOpenOption.READ)) {
      AuditFiles.Tail tail = AuditFiles.tail(previous);
      if (tail.line().length == 0) {
        throw new IOException("rotated audit file " + newest + " holds no complete record");
      }
      return head(newest, tail.line());
    }
  }

  private static ChainHead head(Path file, byte[] line) throws IOException {
    Optional<String> hash = AuditChain.check(line);
    Optional<AuditEntry> parsed = AuditEntry.parse(line);
    if (hash.isEmpty() || parsed.isEmpty() || parsed.get().seq() < 1) {
      throw new IOException("the last record of " + file + " fails its hash check; run"
          + " 'credbroker audit verify " + file + "' and move the file aside before starting");
    }
    return new ChainHead(parsed.get().seq(), hash.get());
  }

  @Override
  public boolean startsSegment() {
    return startsSegment;
  }

  @Override
  public void write(ByteBuffer lines) throws IOException {
    while (lines.hasRemaining()) {
      pending += channel.write(lines);
    }
  }

  @Override
  public void sync() throws IOException {
    channel.force(false);
  }

  @Override
  public void commit() {
    committed += pending;
    pending = 0;
  }

  @Override
  public void rollback() throws IOException {
    pending = 0;
    channel.truncate(committed);
    channel.position(committed);
  }

  @Override
  public boolean rotationDue(Instant now) {
    return committed > 0 && (committed >= maxBytes
        || maxAge.map(age -> !now.isBefore(segmentStarted.plus(age))).orElse(false));
  }

  @Override
  public void rotate(Instant now, long lastSeq) throws IOException {
    channel.close();
    Path rotated = AuditFiles.rotatedName(live, now, lastSeq);
    Files.move(live, rotated, StandardCopyOption.ATOMIC_MOVE);
    channel = openLocked();
    restrictPermissions();
    committed = 0;
    segmentStarted = now;
    log.info("audit log rotated to {}", rotated.getFileName());
  }

  /** Two writers would interleave two chains in one file; the second broker is refused. */
  private FileChannel openLocked() throws IOException {
    FileChannel opened = opener.open(live);
    try {
      if (opened.tryLock() != null) {
        return opened;
      }
    } catch (java.nio.channels.OverlappingFileLockException e) {
      // held by this process: fall through
    }
    opened.close();
    throw new IOException("another broker is writing " + live + "; give each broker its own"
        + " audit file");
  }

  private void restrictPermissions() {
    try {
      Files.setPosixFilePermissions(live, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      log.debug("cannot restrict permissions of {}: {}", live, e.toString());
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
