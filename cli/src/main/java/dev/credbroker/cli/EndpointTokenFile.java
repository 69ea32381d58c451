package dev.credbroker.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The file that holds {@code serve}'s endpoint authorization token: {@code --endpoint-token-file},
 * else {@code endpoint-token} in a new 0700 directory under {@code $XDG_RUNTIME_DIR} (else the
 * temporary directory). Only its path is ever printed, never the token, so the token stays out of
 * terminal scrollback, CI logs and the journal. Removed at stop (with the directory it created).
 */
final class EndpointTokenFile implements AutoCloseable {
  private final Path file;
  private final Optional<Path> createdDir;

  private EndpointTokenFile(Path file, Optional<Path> createdDir) {
    this.file = file;
    this.createdDir = createdDir;
  }

  static EndpointTokenFile write(Optional<Path> explicit, Map<String, String> env, String token)
      throws IOException {
    Optional<Path> dir = Optional.empty();
    Path file;
    if (explicit.isPresent()) {
      file = explicit.get().toAbsolutePath();
    } else {
      Path base = Optional.ofNullable(env.get("XDG_RUNTIME_DIR")).filter(s -> !s.isEmpty()).map(Path::of)
          .filter(Files::isDirectory).orElse(Path.of(System.getProperty("java.io.tmpdir")));
      dir = Optional.of(Files.createTempDirectory(base, "credbroker-serve-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
      file = dir.get().resolve("endpoint-token");
    }
    PrivateFiles.write(file, token.getBytes(StandardCharsets.UTF_8));
    return new EndpointTokenFile(file, dir);
  }

  Path path() {
    return file;
  }

  /**
   * The lines a consumer pastes: the token file for SDKs that read it, and for SDKs and CLIs that
   * read only {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}, how to set it from the file.
   */
  List<String> exports() {
    String quoted = shellQuote(file.toString());
    return List.of("export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=" + quoted,
        "# SDKs and CLIs that read only AWS_CONTAINER_AUTHORIZATION_TOKEN (Debian 12's AWS CLI 2.9, for one):",
        "export AWS_CONTAINER_AUTHORIZATION_TOKEN=\"$(cat " + quoted + ")\"");
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(file);
    if (createdDir.isPresent()) {
      Files.deleteIfExists(createdDir.get());
    }
  }

  /** {@code s} as one POSIX shell word: as is when plain, else single-quoted. */
  static String shellQuote(String s) {
    return s.matches("[A-Za-z0-9_./@%+=:,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
