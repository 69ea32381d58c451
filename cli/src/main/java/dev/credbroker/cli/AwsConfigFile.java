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
 * Settings of profiles in the AWS config file ({@code AWS_CONFIG_FILE}, default
 * {@code ~/.aws/config}): the region of a profile {@code update} keeps fresh, the
 * {@code credential_process} and region of those {@code configure} writes. Only the named keys of
 * the named profile change: every other line, and the file's permissions, stay as they were; the
 * file is replaced atomically, and not at all when nothing changes. Profiles are
 * {@code [profile NAME]} sections, except {@code [default]} (the AWS CLI's "Configuration and
 * credential file settings").
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
    return set(profile, Map.of("region", region));
  }

  /** Sets each of {@code entries} in {@code profile}'s section; returns whether the file changed. */
  boolean set(String profile, Map<String, String> entries) throws IOException {
    boolean exists = Files.exists(file);
    List<String> lines = exists ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    List<String> updated = withEntries(lines, profile, entries);
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

  static List<String> withRegion(List<String> lines, String profile, String region) {
    return withEntries(lines, profile, Map.of("region", region));
  }

  /**
   * {@code lines} with {@code KEY = VALUE} for each entry in the profile's section: an existing
   * line for the key replaced, else one added after the section's header (in the entries' order),
   * else the section added at the end.
   */
  static List<String> withEntries(List<String> lines, String profile, Map<String, String> entries) {
    String header = profile.equals("default") ? "default" : "profile " + profile;
    List<String> out = new ArrayList<>(lines);
    int section = -1;
    int end = out.size();
    for (int i = 0; i < out.size(); i++) {
      String t = out.get(i).strip();
      if (t.startsWith("[") && t.endsWith("]")) {
        if (section >= 0) {
          end = i;
          break;
        }
        if (t.substring(1, t.length() - 1).strip().replaceAll("\\s+", " ").equals(header)) {
          section = i;
        }
      }
    }
    if (section < 0) {
      while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
        out.remove(out.size() - 1);
      }
      if (!out.isEmpty()) {
        out.add("");
      }
      out.add("[" + header + "]");
      entries.forEach((k, v) -> out.add(k + " = " + v));
      return out;
    }
    int inserted = 0;
    for (Map.Entry<String, String> e : entries.entrySet()) {
      int at = -1;
      for (int i = section + 1; i < end + inserted; i++) {
        if (out.get(i).strip().matches(java.util.regex.Pattern.quote(e.getKey()) + "\\s*=.*")) {
          at = i;
          break;
        }
      }
      if (at < 0) {
        out.add(section + 1 + inserted++, e.getKey() + " = " + e.getValue());
      } else if (!out.get(at).strip().replaceFirst("^[^=]*=\\s*", "").equals(e.getValue())) {
        out.set(at, e.getKey() + " = " + e.getValue());
      }
    }
    return out;
  }
}
