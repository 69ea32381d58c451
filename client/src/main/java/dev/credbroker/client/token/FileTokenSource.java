package dev.credbroker.client.token;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * Reads the token file again whenever its identity, size or modification time changes (a rotated
 * Kubernetes token is a new file behind the same symlink), and at least once a minute in case a
 * rewrite kept all three.
 */
final class FileTokenSource implements TokenSource {
  private static final long MAX_AGE_NANOS = 60_000_000_000L;

  /** The token is printed redacted: a token read from the file must never reach a log. */
  private record Read(Object fileKey, FileTime modified, long size, long atNanos, String token) {
    @Override
    public String toString() {
      return "Read[modified=" + modified + ", size=" + size + ", token=<redacted>]";
    }
  }

  private final Path file;
  private volatile Read last;

  FileTokenSource(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  @Override
  public String token() {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      Read r = last;
      if (r != null && Objects.equals(r.fileKey(), a.fileKey()) && r.modified().equals(a.lastModifiedTime())
          && r.size() == a.size() && System.nanoTime() - r.atNanos() < MAX_AGE_NANOS) {
        return r.token();
      }
      String token = Tokens.requireWellFormed(Files.readString(file).strip(), "token file " + file);
      last = new Read(a.fileKey(), a.lastModifiedTime(), a.size(), System.nanoTime(), token);
      return token;
    } catch (NoSuchFileException e) {
      throw new TokenUnavailableException("token file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new TokenUnavailableException("cannot read token file " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }

  @Override
  public String toString() {
    return "FileTokenSource[" + file + "]";
  }
}
