package dev.credbroker.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The region of one profile in the AWS config file ({@code AWS_CONFIG_FILE}, default
 * {@code ~/.aws/config}), so that tools reading a profile {@code update} keeps fresh also know
 * where to send requests. Only the profile's {@code region} line changes: every other line, and
 * the file's permissions, stay as they were; the file is replaced atomically, and not at all when
 * the region is already set. Profiles are {@code [profile NAME]} sections, except
 * {@code [default]} (the AWS CLI's "Configuration and credential file settings").
 */
final class AwsConfigFile {
  private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-------");

  private final Path file;

  AwsConfigFile(Path file) {
    this.file = file;
  }

  /** {@code AWS_CONFIG_FILE}, else {@code $HOME/.aws/config}; empty when neither is set. */
  static Optional<AwsConfigFile> locate(Map<String, String> env) {
    return Optional.ofNullable(env.get("AWS_CONFIG_FILE")).filter(s -> !s.isEmpty()).map(Path::of)
        .or(() -> Optional.ofNullable(env.get("HOME")).filter(s -> !s.isEmpty())
            .map(h -> Path.of(h, ".aws", "config")))
        .map(AwsConfigFile::new);
  }

  Path path() {
    return file;
  }

  /** Sets {@code region} in {@code profile}'s section; returns whether the file changed. */
  boolean setRegion(String profile, String region) throws IOException {
    boolean exists = Files.exists(file);
    List<String> lines = exists ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    List<String> updated = withRegion(lines, profile, region);
    if (updated.equals(lines)) {
      return false;
    }
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      PrivateFiles.privateDirectory(dir);
    }
    Set<PosixFilePermission> mode = exists ? Files.getPosixFilePermissions(file) : NEW_FILE;
    PrivateFiles.write(file, (String.join("\n", updated) + "\n").getBytes(StandardCharsets.UTF_8), mode);
    return true;
  }

  /**
   * {@code lines} with {@code region = REGION} in the profile's section: its region line replaced,
   * else one added after the section's header, else the section added at the end.
   */
  static List<String> withRegion(List<String> lines, String profile, String region) {
    String header = profile.equals("default") ? "default" : "profile " + profile;
    String entry = "region = " + region;
    List<String> out = new ArrayList<>(lines);
    int section = -1;
    for (int i = 0; i < out.size(); i++) {
      String t = out.get(i).strip();
      if (t.startsWith("[") && t.endsWith("]")) {
        if (section >= 0) {
          break;
        }
        if (t.substring(1, t.length() - 1).strip().replaceAll("\\s+", " ").equals(header)) {
          section = i;
        }
      } else if (section >= 0 && t.matches("region\\s*=.*")) {
        if (!t.replaceFirst("region\\s*=\\s*", "").equals(region)) {
          out.set(i, entry);
        }
        return out;
      }
    }
    if (section >= 0) {
      out.add(section + 1, entry);
      return out;
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
      out.remove(out.size() - 1);
    }
    if (!out.isEmpty()) {
      out.add("");
    }
    out.add("[" + header + "]");
    out.add(entry);
    return out;
  }
}
