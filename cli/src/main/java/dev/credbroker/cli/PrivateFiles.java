package dev.credbroker.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files that hold credentials: directories 0700 and files 0600, owned by the current user, and
 * replaced atomically (a temporary file in the same directory, synced, then renamed over), so a
 * reader sees the old content or the new, never a partial file.
 */
final class PrivateFiles {
  private static final Set<PosixFilePermission> OWNER_RW =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private PrivateFiles() {}

  /** Creates {@code dir} (0700) if needed; refuses one owned by someone else; tightens a loose one. */
  static void privateDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (!Files.getOwner(dir).equals(currentUser())) {
      throw new IOException(dir + " is not owned by " + System.getProperty("user.name"));
    }
    if (!Files.getPosixFilePermissions(dir).equals(PosixFilePermissions.fromString("rwx------"))) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** Whether {@code file} is a regular file of the current user that only the user can read and write. */
  static boolean isPrivate(Path file) throws IOException {
    return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
        && Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).equals(currentUser())
        && OWNER_RW.containsAll(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
  }

  /** Replaces {@code file} with {@code content}, mode 0600, atomically. */
  static void write(Path file, byte[] content) throws IOException {
    write(file, content, OWNER_RW);
  }

  /**
   * Replaces {@code file} with {@code content} atomically, with permissions {@code mode} (a file
   * that holds no secret, such as the AWS config file, keeps the mode its owner gave it).
   */
  static void write(Path file, byte[] content, Set<PosixFilePermission> mode) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp",
        PosixFilePermissions.asFileAttribute(OWNER_RW));
    try {
      if (!mode.equals(OWNER_RW)) {
        Files.setPosixFilePermissions(tmp, mode);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static UserPrincipal currentUser() throws IOException {
    return java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService()
        .lookupPrincipalByName(System.getProperty("user.name"));
  }
}
