package dev.credbroker.server.testing;

import dev.credbroker.server.devaws.AccessKey;
import dev.credbroker.server.devaws.DevAws;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * STS for tests: the broker's development endpoint ({@link DevAws}, Query protocol, SigV4,
 * parameters validated as the STS API reference documents them) with a fixed broker key and
 * faults on demand (latency, chosen errors, outage). Counts calls per action.
 */
public final class FakeSts implements AutoCloseable {
  public static final String ACCOUNT = "123456789012";
  public static final String BROKER_KEY_ID = "AKIABROKERTESTKEY000";
  public static final String BROKER_SECRET = "broker-test-secret-key-0000000000000000";

  private final DevAws aws;
  private final FaultPlan faults;

  /** A credential this fake minted: its secret, session token, expiry and assumed-role ARN. */
  public record Minted(String secret, String sessionToken, Instant expiration, String arn) {}

  private FakeSts(DevAws aws, FaultPlan faults) {
    this.aws = aws;
    this.faults = faults;
  }

  public static FakeSts start(Clock clock) throws IOException {
    FaultPlan faults = new FaultPlan();
    return new FakeSts(start(clock, faults), faults);
  }

  /** A development endpoint with the tests' account, broker key and these hooks. */
  static DevAws start(Clock clock, FaultPlan faults) throws IOException {
    return DevAws.builder().clock(clock).account(ACCOUNT).brokerKey(BROKER_KEY_ID, BROKER_SECRET)
        .hooks(faults).start();
  }

  public URI endpoint() {
    return aws.endpoint();
  }

  DevAws aws() {
    return aws;
  }

  /** The next {@code times} calls fail with this HTTP status and AWS error code. */
  public void failNext(int times, int status, String code) {
    faults.failNext(times, status, code);
  }

  public void latency(Duration d) {
    faults.latency(d);
  }

  /** Like IAM's MaxSessionDuration of the roles (default 12h). */
  public void maxSessionDuration(Duration d) {
    aws.maxSessionDuration(d);
  }

  /** Web identity tokens from this issuer are trusted (as an IAM OIDC provider would be). */
  public void trustIssuer(String issuer) {
    aws.trustIssuer(issuer);
  }

  public int calls(String action) {
    return faults.calls(action);
  }

  public List<Map<String, String>> assumeRoleRequests() {
    return faults.assumeRoleRequests();
  }

  public Minted minted(String accessKeyId) {
    return aws.credentials().lookup(accessKeyId).filter(k -> k.session().isPresent())
        .map(FakeSts::minted).orElse(null);
  }

  private static Minted minted(AccessKey k) {
    return new Minted(k.secret(), k.session().get().token(), k.session().get().expiration(),
        k.principalArn());
  }

  /** Every credential minted so far, for scans that must not find them. */
  public List<Minted> allMinted() {
    return aws.credentials().sessions().stream().map(FakeSts::minted).toList();
  }

  @Override
  public void close() {
    aws.close();
  }
}
