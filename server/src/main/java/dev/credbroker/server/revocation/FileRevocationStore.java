package dev.credbroker.server.revocation;

import dev.credbroker.core.revocation.Revocation;
import dev.credbroker.core.revocation.RevocationJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Revocations of a single node, one JSON object a line in a file beside the configuration. Each
 * change rewrites the file whole (a temporary file, flushed to disk, renamed over the old one),
 * so a reader sees the old list or the new one, never half of either; a line that cannot be read
 * fails the whole load rather than silently dropping a revocation.
 */
public final class FileRevocationStore implements RevocationStore {
  /** Far beyond any real list (a revocation is a few hundred bytes); guards memory on load. */
  static final long MAX_BYTES = 16L << 20;

  private final Path file;

  public FileRevocationStore(Path file) {
    this.file = file.toAbsolutePath();
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized List<Revocation> load() throws IOException {
    List<String> lines;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IOException(file + " is over " + (MAX_BYTES >> 20) + " MiB; it is not a"
            + " revocation list");
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of(); // nothing revoked yet
    }
    List<Revocation> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        out.add(RevocationJson.read(lines.get(i)));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage());
      }
    }
    return out;
  }

  @Override
  public synchronized void add(Revocation revocation) throws IOException {
    List<Revocation> all = new ArrayList<>(load());
    for (Revocation r : all) {
      if (r.id().equals(revocation.id())) {
        throw new IOException("a revocation with id " + r.id() + " exists already");
      }
    }
    all.add(revocation);
    write(all);
  }

  @Override
  public synchronized boolean remove(String id) throws IOException {
    List<Revocation> all = new ArrayList<>(load());
    if (!all.removeIf(r -> r.id().equals(id))) {
      return false;
    }
    write(all);
    return true;
  }

  private void write(List<Revocation> all) throws IOException {
    StringBuilder text = new StringBuilder();
    for (Revocation r : all) {
      text.append(RevocationJson.write(r)).append('\n');
    }
    Files.createDirectories(file.getParent());
    Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
