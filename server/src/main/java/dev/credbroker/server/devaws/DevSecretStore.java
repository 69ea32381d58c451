package dev.credbroker.server.devaws;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The secrets of a development endpoint: versions and the staging labels AWSCURRENT, AWSPREVIOUS
 * and AWSPENDING, moved the way Secrets Manager moves them ("Rotation by Lambda function",
 * PutSecretValue). Every method is synchronized: a read sees one consistent set of labels.
 */
public final class DevSecretStore {
  public static final String CURRENT = "AWSCURRENT";
  public static final String PREVIOUS = "AWSPREVIOUS";
  public static final String PENDING = "AWSPENDING";

  /** One version: a string or a binary value, and when it was created. */
  record Version(String id, String string, byte[] binary, Instant created) {
    boolean sameValue(String s, byte[] b) {
      return java.util.Objects.equals(string, s) && java.util.Arrays.equals(binary, b);
    }
  }

  /** One secret: its versions in creation order and which version each label is on. */
  static final class Stored {
    final String name;
    final String arn;
    final Instant created;
    final Map<String, Version> versions = new LinkedHashMap<>();
    final Map<String, String> stages = new LinkedHashMap<>();
    Instant deleted;
    String onlyPrincipal;

    Stored(String name, String arn, Instant created) {
      this.name = name;
      this.arn = arn;
      this.created = created;
    }

    List<String> stagesOf(String versionId) {
      List<String> out = new ArrayList<>();
      stages.forEach((stage, id) -> {
        if (id.equals(versionId)) {
          out.add(stage);
        }
      });
      return out;
    }

    Map<String, List<String>> versionsToStages() {
      Map<String, List<String>> out = new LinkedHashMap<>();
      for (String id : versions.keySet()) {
        List<String> labels = stagesOf(id);
        if (!labels.isEmpty()) {
          out.put(id, labels);
        }
      }
      return out;
    }
  }

  private static final java.util.regex.Pattern SEEDED_ARN = java.util.regex.Pattern.compile(
      "arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:(.+?)(-[A-Za-z0-9]{6})?");

  private final Clock clock;
  private final String region;
  private final String account;
  private final Map<String, Stored> secrets = new LinkedHashMap<>();

  DevSecretStore(Clock clock, String region, String account) {
    this.clock = clock;
    this.region = region;
    this.account = account;
  }

  /** Creates a secret with a string value labelled AWSCURRENT; returns the version id. */
  public synchronized String putString(String name, String value) {
    return create(name, value, null);
  }

  /** Creates a secret with a binary value labelled AWSCURRENT; returns the version id. */
  public synchronized String putBinary(String name, byte[] value) {
    return create(name, null, value.clone());
  }

  /** A rotation's first step: a new version labelled AWSPENDING; returns its id. */
  public synchronized String startRotation(String name, String value) {
    Stored s = existing(name);
    Version v = new Version(UUID.randomUUID().toString(), value, null, clock.instant());
    s.versions.put(v.id(), v);
    s.stages.put(PENDING, v.id());
    return v.id();
  }

  /** A rotation's last step: AWSPENDING becomes AWSCURRENT, the old current AWSPREVIOUS. */
  public synchronized void finishRotation(String name) {
    Stored s = existing(name);
    s.stages.put(PREVIOUS, s.stages.get(CURRENT));
    s.stages.put(CURRENT, s.stages.remove(PENDING));
  }

  /** A whole rotation to a new string value; returns the new current version id. */
  public synchronized String rotate(String name, String value) {
    String id = startRotation(name, value);
    finishRotation(name);
    return id;
  }

  /** Marks the secret for deletion: reading its value is then refused. */
  public synchronized void delete(String name) {
    existing(name).deleted = clock.instant();
  }

  /** Only this principal (a user or assumed-role ARN) may read the secret. */
  public synchronized void restrictTo(String name, String principalArn) {
    existing(name).onlyPrincipal = principalArn;
  }

  public synchronized String arn(String name) {
    return existing(name).arn;
  }

  /** The version id a label is on, or null. */
  public synchronized String versionId(String name, String stage) {
    return existing(name).stages.get(stage);
  }

  /**
   * Creates a secret for {@code secretId} (a name or an ARN, which is then kept as is) with a
   * string value, unless one exists already; how dev mode provides the secrets a config names.
   */
  public synchronized void seed(String secretId, String value) {
    if (find(secretId).isPresent()) {
      return;
    }
    java.util.regex.Matcher arn = SEEDED_ARN.matcher(secretId);
    if (!arn.matches()) {
      create(secretId, value, null);
      return;
    }
    String suffixed = arn.group(2) == null ? secretId + "-" + suffix() : secretId;
    Stored s = new Stored(arn.group(1), suffixed, clock.instant());
    Version v = new Version(UUID.randomUUID().toString(), value, null, clock.instant());
    s.versions.put(v.id(), v);
    s.stages.put(CURRENT, v.id());
    secrets.put(s.name, s);
  }

  /** Whether a secret exists by name, full ARN, or ARN without the random suffix. */
  public synchronized boolean exists(String secretId) {
    return find(secretId).isPresent();
  }

  synchronized Optional<Stored> find(String secretId) {
    for (Stored s : secrets.values()) {
      if (s.name.equals(secretId) || s.arn.equals(secretId)
          || s.arn.substring(0, s.arn.length() - 7).equals(secretId)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * PutSecretValue: a new version with the given labels (AWSCURRENT by default); a label moved
   * away from a version leaves it, and AWSCURRENT's old version becomes AWSPREVIOUS. The same
   * client request token with the same value is a no-op; with another value it is refused.
   */
  synchronized Version put(Stored s, String token, String string, byte[] binary,
      List<String> stages) throws AwsRefusal {
    Version existing = s.versions.get(token);
    if (existing != null) {
      if (!existing.sameValue(string, binary)) {
        throw AwsRefusal.invalid("ResourceExistsException", "You can't modify an existing version,"
            + " you can only create a new version.");
      }
      return existing;
    }
    Version v = new Version(token, string, binary, clock.instant());
    s.versions.put(v.id(), v);
    for (String stage : stages) {
      String previous = s.stages.put(stage, v.id());
      if (CURRENT.equals(stage) && previous != null) {
        s.stages.put(PREVIOUS, previous);
      }
    }
    return v;
  }

  private Stored existing(String name) {
    Stored s = secrets.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no secret named " + name);
    }
    return s;
  }

  private static String suffix() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 6);
  }

  private String create(String name, String string, byte[] binary) {
    Stored s = new Stored(name, "arn:aws:secretsmanager:" + region + ":" + account + ":secret:"
        + name + "-" + suffix(), clock.instant());
    Version v = new Version(UUID.randomUUID().toString(), string, binary, clock.instant());
    s.versions.put(v.id(), v);
    s.stages.put(CURRENT, v.id());
    secrets.put(name, s);
    return v.id();
  }
}
