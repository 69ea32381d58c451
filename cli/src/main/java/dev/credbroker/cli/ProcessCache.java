package dev.credbroker.cli;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.client.SessionCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code credential-process} cache: the AWS CLI runs the process for every command, so the
 * last credentials are kept, per user, in {@code $XDG_CACHE_HOME/credbroker} (default
 * {@code ~/.cache/credbroker}, mode 0700), one 0600 file per broker, role, duration and token
 * identity. A cached credential is reused while it has at least 15 minutes (botocore's refresh
 * window) or half its lifetime left, whichever is less.
 */
final class ProcessCache {
  /** botocore refreshes credentials with less than 15 minutes left, so less is not worth reusing. */
  static final Duration REUSE_MARGIN = Duration.ofMinutes(15);
  private static final Duration KEEP_FILES = Duration.ofHours(13);

  /** Cached credentials and when they were fetched. */
  record Entry(SessionCredentials credentials, Instant fetchedAt) {
    /** Worth reusing: at least 15 minutes left, or half the lifetime for shorter sessions. */
    boolean reusableAt(Instant now) {
      Duration lifetime = Duration.between(fetchedAt, credentials.expiration());
      Duration margin = lifetime.dividedBy(2).compareTo(REUSE_MARGIN) < 0 ? lifetime.dividedBy(2) : REUSE_MARGIN;
      return credentials.usableAt(now, margin);
    }
  }

  private final Path dir;

  private ProcessCache(Path dir) {
    this.dir = dir;
  }

  /** The cache directory, created if needed; empty (no caching) when there is no usable one. */
  static Optional<ProcessCache> open(CliOptions o) {
    Optional<Path> dir = o.path("cache-dir").or(() -> Optional.ofNullable(o.env().get("XDG_CACHE_HOME"))
            .filter(s -> !s.isEmpty()).map(x -> Path.of(x, "credbroker")))
        .or(() -> Optional.ofNullable(o.env().get("HOME")).filter(s -> !s.isEmpty())
            .map(h -> Path.of(h, ".cache", "credbroker")));
    try {
      if (dir.isPresent()) {
        PrivateFiles.privateDirectory(dir.get());
        return Optional.of(new ProcessCache(dir.get()));
      }
    } catch (IOException e) {
      // a cache we cannot keep private is no cache
    }
    return Optional.empty();
  }

  /** The file name: a hash of everything that decides which credentials are the right ones. */
  static String key(String target, String role, Optional<Duration> duration, String tokenIdentity) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join("\n", target, role,
          duration.map(Duration::toString).orElse(""), tokenIdentity).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  Path file(String key) {
    return dir.resolve(key + ".json");
  }

  /** The entry, if the file is private to this user and complete. */
  Optional<Entry> read(String key) {
    Path f = file(key);
    try {
      if (!PrivateFiles.isPrivate(f)) {
        return Optional.empty();
      }
      Map<String, Object> m = JSONObjectUtils.parse(Files.readString(f));
      SessionCredentials c = new SessionCredentials(text(m, "AccessKeyId"), text(m, "SecretAccessKey"),
          text(m, "SessionToken"), Instant.parse(text(m, "Expiration")), text(m, "RoleArn"),
          text(m, "Region"), text(m, "Role"), text(m, "SessionName"), Optional.empty());
      return Optional.of(new Entry(c, Instant.parse(text(m, "FetchedAt"))));
    } catch (IOException | java.text.ParseException | DateTimeParseException | ClassCastException
        | NullPointerException e) {
      return Optional.empty();
    }
  }

  void write(String key, SessionCredentials c, Instant fetchedAt) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>(CredentialFormats.credentialProcess(c));
    m.put("Expiration", c.expiration().toString());
    m.put("RoleArn", c.assumedRoleArn());
    m.put("Region", c.region());
    m.put("Role", c.role());
    m.put("SessionName", c.sessionName());
    m.put("FetchedAt", fetchedAt.toString());
    PrivateFiles.write(file(key), JsonOutput.compact(m).getBytes(StandardCharsets.UTF_8));
    removeOldFiles(fetchedAt);
  }

  /** Files not written for longer than any session lasts hold only expired credentials. */
  private void removeOldFiles(Instant now) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        if (Files.getLastModifiedTime(f).toInstant().isBefore(now.minus(KEEP_FILES))) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  private static String text(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof String s)) {
      throw new NullPointerException(key);
    }
    return s;
  }
}
