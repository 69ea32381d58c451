package dev.credbroker.server.devmode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The files of one {@code --dev} run, in a fresh folder only its user can enter: the audit log,
 * the printed token (so a profile's {@code credential_process} can read it in any shell) and an
 * AWS CLI config file with the dev profiles.
 */
public final class DevWorkspace {
  private final Path dir;

  private DevWorkspace(Path dir) {
    this.dir = dir;
  }

  public static DevWorkspace create() throws IOException {
    Path dir = Files.createTempDirectory("credbroker-dev-");
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the platform's default temporary-folder protection applies
    }
    return new DevWorkspace(dir);
  }

  public Path dir() {
    return dir;
  }

  public Path auditFile() {
    return dir.resolve("audit.jsonl");
  }

  /** Writes the token, readable by its owner only; returns the file. */
  public Path writeToken(String token) throws IOException {
    return writePrivate("token", token + "\n");
  }

  /** Writes an AWS CLI/SDK config file ({@code AWS_CONFIG_FILE}); returns the file. */
  public Path writeAwsConfig(String text) throws IOException {
    return writePrivate("aws-config", text);
  }

  private Path writePrivate(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.deleteIfExists(file);
    Files.createFile(file);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: protected by the folder
    }
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    return file;
  }
}
