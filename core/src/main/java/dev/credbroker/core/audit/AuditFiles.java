package dev.credbroker.core.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a log's files are named on disk: the live file as configured ({@code audit.jsonl}), rotated
 * segments beside it as {@code audit-<UTC time>-<last seq>.jsonl}, which sort by name in the order
 * they were written.
 */
public final class AuditFiles {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  /** More than any one record can be: tokens, and so claims, are capped by the metadata limit. */
  static final int MAX_RECORD_BYTES = 1 << 20;

  private AuditFiles() {}

  /** Rotated segments oldest first, then the live file (when it exists). */
  public static List<Path> segments(Path live) throws IOException {
    List<Path> out = new ArrayList<>();
    Path dir = live.toAbsolutePath().getParent();
    String[] parts = split(live);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, parts[0] + "-*" + parts[1])) {
      files.forEach(out::add);
    }
    out.sort(null);
    if (Files.exists(live)) {
      out.add(live);
    }
    return out;
  }

  /** The newest rotated segment beside {@code live}, if there is one. */
  public static Optional<Path> newestRotated(Path live) throws IOException {
    List<Path> rotated = segments(live);
    rotated.remove(live);
    return rotated.isEmpty() ? Optional.empty() : Optional.of(rotated.get(rotated.size() - 1));
  }

  /** The name a rotated segment gets; public for the server's file sink, which rotates. */
  public static Path rotatedName(Path live, Instant now, long lastSeq) {
    String[] parts = split(live);
    return live.resolveSibling(parts[0] + "-" + STAMP.format(now) + "-"
        + String.format("%012d", lastSeq) + parts[1]);
  }

  /**
   * The last complete line of a file (without its newline) and where that line ends; bytes after
   * it are an interrupted write. Empty array when the file holds no complete line. Public for the
   * server's file sink, which resumes the chain from it.
   */
  public static Tail tail(FileChannel channel) throws IOException {
    long size = channel.size();
    int window = (int) Math.min(size, MAX_RECORD_BYTES);
    ByteBuffer buf = ByteBuffer.allocate(window);
    channel.read(buf, size - window);
    byte[] bytes = buf.array();
    int lastNewline = lastIndexOf(bytes, bytes.length - 1);
    int previous = lastNewline < 0 ? -1 : lastIndexOf(bytes, lastNewline - 1);
    if (previous < 0 && size > window) {
      throw new IOException("the last record of the audit file is longer than "
          + MAX_RECORD_BYTES + " bytes");
    }
    if (lastNewline < 0) {
      return new Tail(new byte[0], 0);
    }
    byte[] line = java.util.Arrays.copyOfRange(bytes, previous + 1, lastNewline);
    return new Tail(line, size - window + lastNewline + 1);
  }

  /** Receives a file's lines in order; {@code complete} is false for a last line with no newline. */
  interface LineConsumer {
    /** Returns false to stop reading. */
    boolean accept(long lineNumber, byte[] line, boolean complete) throws IOException;
  }

  /** Reads a file line by line as bytes, so hashes are checked over exactly what is on disk. */
  static void lines(Path file, LineConsumer consumer) throws IOException {
    try (var in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(1024);
      long number = 0;
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          if (!consumer.accept(++number, line.toByteArray(), true)) {
            return;
          }
          line.reset();
        } else if (line.size() <= MAX_RECORD_BYTES) {
          line.write(b);
        }
      }
      if (line.size() > 0) {
        consumer.accept(++number, line.toByteArray(), false);
      }
    }
  }

  /** The last complete line and the file length up to and including its newline. */
  public record Tail(byte[] line, long completeLength) {}

  private static int lastIndexOf(byte[] bytes, int from) {
    for (int i = from; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String[] split(Path live) {
    String name = live.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? new String[] {name.substring(0, dot), name.substring(dot)}
        : new String[] {name, ""};
  }
}
