package dev.credbroker.cli;

import dev.credbroker.client.SessionCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One profile in the AWS shared credentials file ({@code AWS_SHARED_CREDENTIALS_FILE}, default
 * {@code ~/.aws/credentials}). Every other line of the file is kept as it is; the file is replaced
 * atomically with mode 0600.
 */
final class SharedCredentialsFile {
  private final Path file;

  SharedCredentialsFile(Path file) {
    this.file = file;
  }

  static SharedCredentialsFile locate(Optional<Path> explicit, Map<String, String> env)
      throws CliOptions.UsageException {
    Optional<Path> p = explicit.or(() -> Optional.ofNullable(env.get("AWS_SHARED_CREDENTIALS_FILE"))
        .filter(s -> !s.isEmpty()).map(Path::of))
        .or(() -> Optional.ofNullable(env.get("HOME")).filter(s -> !s.isEmpty())
            .map(h -> Path.of(h, ".aws", "credentials")));
    return new SharedCredentialsFile(p.orElseThrow(() -> new CliOptions.UsageException(
        "no credentials file: set --credentials-file, AWS_SHARED_CREDENTIALS_FILE or HOME")));
  }

  Path path() {
    return file;
  }

  void write(String profile, SessionCredentials c, String role) throws IOException {
    replace(profile, List.of(
        "# written by credbroker update --role " + role + "; expires " + CredentialFormats.expiration(c),
        "aws_access_key_id = " + c.accessKeyId(),
        "aws_secret_access_key = " + c.secretAccessKey(),
        "aws_session_token = " + c.sessionToken()));
  }

  /** Removes the profile, so tools find no credentials rather than expired ones. */
  void remove(String profile) throws IOException {
    if (Files.exists(file)) {
      replace(profile, null);
    }
  }

  private void replace(String profile, List<String> body) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
    String text = String.join("\n", withProfile(lines, profile, body));
    PrivateFiles.write(file, (text.isEmpty() ? "" : text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code lines} without the section {@code [profile]}, and {@code body} (if not null) as that
   * section at the end; every other line stays as it was.
   */
  static List<String> withProfile(List<String> lines, String profile, List<String> body) {
    List<String> out = new ArrayList<>();
    boolean inside = false;
    for (String line : lines) {
      String t = line.strip();
      if (t.startsWith("[") && t.endsWith("]")) {
        inside = t.substring(1, t.length() - 1).strip().equals(profile);
      }
      if (!inside) {
        out.add(line);
      }
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
      out.remove(out.size() - 1);
    }
    if (body != null) {
      if (!out.isEmpty()) {
        out.add("");
      }
      out.add("[" + profile + "]");
      out.addAll(body);
    }
    return out;
  }
}
