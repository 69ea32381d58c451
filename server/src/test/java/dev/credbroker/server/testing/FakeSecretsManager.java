package dev.credbroker.server.testing;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A Secrets Manager endpoint on loopback for tests, spoken to by the real AWS SDK: the JSON 1.1
 * protocol with GetSecretValue and DescribeSecret ({@link SecretsManagerJson}), SigV4-verified
 * for the broker's key and for credentials {@link FakeSts} minted. Secrets have versions with the
 * stages AWSCURRENT, AWSPREVIOUS and AWSPENDING, move through rotation as a rotation function
 * moves them, can be marked for deletion or readable by one principal only, and faults come on
 * demand (chosen errors, latency, outage, oversized values). Counts calls per action.
 */
public final class FakeSecretsManager implements AutoCloseable {
  public static final String REGION = "us-east-1";
  public static final String BROKER_PRINCIPAL = "arn:aws:iam::" + FakeSts.ACCOUNT + ":user/broker";
  static final String CURRENT = "AWSCURRENT";
  static final String PREVIOUS = "AWSPREVIOUS";
  static final String PENDING = "AWSPENDING";

  /** One version: a string or binary value, when it was created. */
  record Version(String id, String string, byte[] binary, Instant created) {}

  /** One secret: its versions in creation order and which version each stage labels. */
  static final class Stored {
    final String name;
    final String arn;
    final Instant created;
    final Map<String, Version> versions = new LinkedHashMap<>();
    final Map<String, String> stages = new LinkedHashMap<>();
    volatile Instant deleted;
    volatile String onlyPrincipal;

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
  }

  private final Clock clock;
  private final Map<String, Stored> secrets = new LinkedHashMap<>();
  final FaultPlan faults = new FaultPlan();
  private LoopbackHttp http;
  private volatile FakeSts sts;
  private volatile int oversizedNext;
  private volatile int oversizedBytes;

  private FakeSecretsManager(Clock clock) {
    this.clock = clock;
  }

  public static FakeSecretsManager start(Clock clock) throws IOException {
    FakeSecretsManager fake = new FakeSecretsManager(clock);
    fake.http = LoopbackHttp.start(new SecretsManagerJson(fake, clock)::handle);
    return fake;
  }

  public URI endpoint() {
    return http.endpoint();
  }

  /** Accepts requests signed with credentials this STS fake minted (as their assumed role). */
  public void trust(FakeSts minter) {
    sts = minter;
  }

  /** Creates a secret with a string value as AWSCURRENT; returns the version id. */
  public synchronized String putString(String name, String value) {
    return create(name, value, null);
  }

  /** Creates a secret with a binary value as AWSCURRENT; returns the version id. */
  public synchronized String putBinary(String name, byte[] value) {
    return create(name, null, value.clone());
  }

  /** A rotation's first step: a new version labelled AWSPENDING; returns its id. */
  public synchronized String startRotation(String name, String value) {
    Stored s = secrets.get(name);
    Version v = new Version(UUID.randomUUID().toString(), value, null, clock.instant());
    s.versions.put(v.id(), v);
    s.stages.put(PENDING, v.id());
    return v.id();
  }

  /** A rotation's last step: AWSPENDING becomes AWSCURRENT, the old current AWSPREVIOUS. */
  public synchronized void finishRotation(String name) {
    Stored s = secrets.get(name);
    s.stages.put(PREVIOUS, s.stages.get(CURRENT));
    s.stages.put(CURRENT, s.stages.remove(PENDING));
  }

  /** A whole rotation to a new string value; returns the new current version id. */
  public synchronized String rotate(String name, String value) {
    String id = startRotation(name, value);
    finishRotation(name);
    return id;
  }

  /** Marks the secret for deletion: GetSecretValue then fails with InvalidRequestException. */
  public synchronized void delete(String name) {
    secrets.get(name).deleted = clock.instant();
  }

  /** Only this principal (a user or assumed-role ARN) may read the secret. */
  public synchronized void restrictTo(String name, String principalArn) {
    secrets.get(name).onlyPrincipal = principalArn;
  }

  public synchronized String arn(String name) {
    return secrets.get(name).arn;
  }

  public synchronized String versionId(String name, String stage) {
    return secrets.get(name).stages.get(stage);
  }

  /** The next {@code times} GetSecretValue answers carry a string value of {@code bytes} bytes. */
  public void oversizedNext(int times, int bytes) {
    oversizedBytes = bytes;
    oversizedNext = times;
  }

  public void failNext(int times, int status, String code) {
    faults.failNext(times, status, code);
  }

  public void latency(Duration d) {
    faults.latency(d);
  }

  public int calls(String action) {
    return faults.calls(action);
  }

  @Override
  public void close() {
    http.close();
  }

  // --- for the protocol ---

  /** A secret by name, full ARN, or ARN without the random suffix. */
  synchronized Optional<Stored> find(String secretId) {
    for (Stored s : secrets.values()) {
      if (s.name.equals(secretId) || s.arn.equals(secretId)
          || s.arn.substring(0, s.arn.length() - 7).equals(secretId)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Who holds an access key this fake accepts: its secret, principal, and STS session if any. */
  record Caller(String secret, String principal, Optional<FakeSts.Minted> session) {}

  Optional<Caller> caller(String keyId) {
    if (FakeSts.BROKER_KEY_ID.equals(keyId)) {
      return Optional.of(new Caller(FakeSts.BROKER_SECRET, BROKER_PRINCIPAL, Optional.empty()));
    }
    FakeSts minter = sts;
    FakeSts.Minted m = minter == null ? null : minter.minted(keyId);
    return m == null ? Optional.empty() : Optional.of(new Caller(m.secret(), m.arn(), Optional.of(m)));
  }

  /** Replaces a value with an oversized one while the fault lasts. */
  synchronized Version maybeOversized(Version v) {
    if (oversizedNext <= 0) {
      return v;
    }
    oversizedNext--;
    return new Version(v.id(), "x".repeat(oversizedBytes), null, v.created());
  }

  private String create(String name, String string, byte[] binary) {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
    Stored s = new Stored(name, "arn:aws:secretsmanager:" + REGION + ":" + FakeSts.ACCOUNT
        + ":secret:" + name + "-" + suffix, clock.instant());
    Version v = new Version(UUID.randomUUID().toString(), string, binary, clock.instant());
    s.versions.put(v.id(), v);
    s.stages.put(CURRENT, v.id());
    secrets.put(name, s);
    return v.id();
  }
}
