package dev.credbroker.server.testing;

import dev.credbroker.server.devaws.DevAws;
import dev.credbroker.server.devaws.DevSecretStore;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * Secrets Manager for tests: the broker's development endpoint ({@link DevAws}, JSON 1.1,
 * SigV4-verified for the broker's key and for credentials a trusted {@link FakeSts} minted).
 * Secrets move through rotation as a rotation function moves them, can be marked for deletion
 * or readable by one principal only, and faults come on demand (chosen errors, latency, outage,
 * oversized values). Counts calls per action.
 */
public final class FakeSecretsManager implements AutoCloseable {
  public static final String REGION = DevAws.DEFAULT_REGION;
  public static final String BROKER_PRINCIPAL = "arn:aws:iam::" + FakeSts.ACCOUNT + ":user/broker";

  private final DevAws aws;
  private final FaultPlan faults;

  private FakeSecretsManager(DevAws aws, FaultPlan faults) {
    this.aws = aws;
    this.faults = faults;
  }

  public static FakeSecretsManager start(Clock clock) throws IOException {
    FaultPlan faults = new FaultPlan();
    return new FakeSecretsManager(FakeSts.start(clock, faults), faults);
  }

  public URI endpoint() {
    return aws.endpoint();
  }

  /** Accepts requests signed with credentials this STS fake minted (as their assumed role). */
  public void trust(FakeSts minter) {
    aws.credentials().trust(minter.aws().credentials());
  }

  private DevSecretStore store() {
    return aws.secrets();
  }

  /** Creates a secret with a string value as AWSCURRENT; returns the version id. */
  public String putString(String name, String value) {
    return store().putString(name, value);
  }

  /** Creates a secret with a binary value as AWSCURRENT; returns the version id. */
  public String putBinary(String name, byte[] value) {
    return store().putBinary(name, value);
  }

  /** A rotation's first step: a new version labelled AWSPENDING; returns its id. */
  public String startRotation(String name, String value) {
    return store().startRotation(name, value);
  }

  /** A rotation's last step: AWSPENDING becomes AWSCURRENT, the old current AWSPREVIOUS. */
  public void finishRotation(String name) {
    store().finishRotation(name);
  }

  /** A whole rotation to a new string value; returns the new current version id. */
  public String rotate(String name, String value) {
    return store().rotate(name, value);
  }

  /** Marks the secret for deletion: GetSecretValue then fails with InvalidRequestException. */
  public void delete(String name) {
    store().delete(name);
  }

  /** Only this principal (a user or assumed-role ARN) may read the secret. */
  public void restrictTo(String name, String principalArn) {
    store().restrictTo(name, principalArn);
  }

  public String arn(String name) {
    return store().arn(name);
  }

  public String versionId(String name, String stage) {
    return store().versionId(name, stage);
  }

  /** The next {@code times} GetSecretValue answers carry a string value of {@code bytes} bytes. */
  public void oversizedNext(int times, int bytes) {
    faults.oversizedNext(times, bytes);
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
    aws.close();
  }
}
