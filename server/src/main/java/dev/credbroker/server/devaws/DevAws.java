package dev.credbroker.server.devaws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A DEVELOPMENT AWS endpoint on loopback, for {@code --dev} and for tests: STS and IAM's inline
 * role policies (Query protocol) and Secrets Manager (JSON 1.1) on one port, SigV4-checked,
 * validating parameters as the API references document them, minting random credentials that only this endpoint accepts. It lets a
 * newcomer watch the broker vend a credential and a secret through the real AWS SDK and the AWS
 * CLI without an AWS account. It always binds to loopback; it is not AWS and never a production
 * component (the broker starts it only under {@code --dev --aws dev}).
 */
public final class DevAws implements AutoCloseable {
  /** The documentation's example account (AWS "Account identifiers"). */
  public static final String DEFAULT_ACCOUNT = "111122223333";
  public static final String DEFAULT_REGION = "us-east-1";
  /** Far above every documented request of these APIs (a 64 KiB secret, base64, in JSON). */
  static final int MAX_BODY_BYTES = 1 << 20;

  private final HttpServer http;
  private final ExecutorService threads;
  private final String region;
  private final DevCredentials credentials;
  private final DevSecretStore secrets;
  private final StsQueryProtocol sts;
  private final SecretsManagerJsonProtocol secretsManager;
  private final DevRolePolicies rolePolicies = new DevRolePolicies();
  private final IamQueryProtocol iam;

  private DevAws(Builder b, HttpServer http, ExecutorService threads) {
    this.http = http;
    this.threads = threads;
    this.region = b.region;
    this.credentials = new DevCredentials(b.account, b.brokerKey);
    this.secrets = new DevSecretStore(b.clock, b.region, b.account);
    SigV4Verifier signatures = new SigV4Verifier(b.signatureClock);
    ExplicitDenies denies = new ExplicitDenies(rolePolicies);
    this.sts = new StsQueryProtocol(b.clock, credentials, signatures, denies, b.hooks);
    this.secretsManager = new SecretsManagerJsonProtocol(b.clock, secrets, credentials, signatures,
        denies, b.hooks);
    this.iam = new IamQueryProtocol(b.clock, credentials, signatures, rolePolicies, b.hooks);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The endpoint URL for both services, e.g. {@code http://127.0.0.1:41234}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  public String region() {
    return region;
  }

  /** The keys this endpoint accepts, among them the broker's own. */
  public DevCredentials credentials() {
    return credentials;
  }

  public DevSecretStore secrets() {
    return secrets;
  }

  /** The roles' inline policies, as IAM's PutRolePolicy left them. */
  public DevRolePolicies rolePolicies() {
    return rolePolicies;
  }

  /** AssumeRoleWithWebIdentity accepts tokens whose {@code iss} is this issuer. */
  public void trustIssuer(String issuer) {
    sts.trustIssuer(issuer);
  }

  /** Like IAM's MaxSessionDuration, for every role (default 12 hours). */
  public void maxSessionDuration(Duration max) {
    sts.maxSessionDuration(max);
  }

  @Override
  public void close() {
    http.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headers.putAll(ex.getRequestHeaders());
      Answer answer;
      byte[] body = readBounded(ex.getRequestBody());
      if (body == null) {
        answer = new Answer(413, "text/plain", "request body over " + MAX_BODY_BYTES + " bytes",
            "");
      } else {
        var request = new SigV4Verifier.SignedRequest(ex.getRequestMethod(), ex.getRequestURI(),
            name -> header(headers, name), body);
        Optional<String> target = header(headers, "x-amz-target");
        if (target.isPresent()) {
          answer = secretsManager.handle(request, target.get());
        } else if (SigV4Verifier.scopedService(request).filter("iam"::equals).isPresent()) {
          answer = iam.handle(request);
        } else {
          answer = sts.handle(request); // AssumeRoleWithWebIdentity comes unsigned
        }
      }
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", answer.contentType());
      if (!answer.requestId().isEmpty()) {
        ex.getResponseHeaders().set("x-amzn-RequestId", answer.requestId());
      }
      ex.sendResponseHeaders(answer.status(), bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Optional<String> header(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty()
        : Optional.of(String.join(",", values));
  }

  /** The body, or null when it is longer than {@link #MAX_BODY_BYTES}. */
  private static byte[] readBounded(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    return body.length > MAX_BODY_BYTES ? null : body;
  }

  /** Settings of a development endpoint; {@link #start()} binds it to a free loopback port. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private Clock signatureClock = Clock.systemUTC();
    private String region = DEFAULT_REGION;
    private String account = DEFAULT_ACCOUNT;
    private Optional<AccessKey> brokerKey = Optional.empty();
    private DevAwsHooks hooks = DevAwsHooks.NONE;

    private Builder() {}

    /** The clock that dates and expires minted sessions and secret versions. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The clock a request's signing time must be within 15 minutes of: the wall clock, which
     * signers use, even when {@link #clock} is moved to expire sessions.
     */
    public Builder signatureClock(Clock clock) {
      this.signatureClock = Objects.requireNonNull(clock, "signatureClock");
      return this;
    }

    public Builder region(String region) {
      if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d{1,2}")) {
        throw new IllegalArgumentException("not an AWS region: " + region);
      }
      this.region = region;
      return this;
    }

    public Builder account(String account) {
      if (!account.matches("\\d{12}")) {
        throw new IllegalArgumentException("an AWS account id has 12 digits, got " + account);
      }
      this.account = account;
      return this;
    }

    /** The broker's own key (default: a random one, see {@link DevCredentials#brokerKey()}). */
    public Builder brokerKey(String accessKeyId, String secretAccessKey) {
      this.brokerKey = Optional.of(new AccessKey(accessKeyId, secretAccessKey,
          "arn:aws:iam::" + account + ":user/broker", Optional.empty()));
      return this;
    }

    public Builder hooks(DevAwsHooks hooks) {
      this.hooks = Objects.requireNonNull(hooks, "hooks");
      return this;
    }

    /** Starts the endpoint on a free port of the loopback interface. */
    public DevAws start() throws IOException {
      HttpServer http = HttpServer.create(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "credbroker-dev-aws");
        t.setDaemon(true);
        return t;
      });
      http.setExecutor(threads);
      DevAws aws = new DevAws(this, http, threads);
      http.createContext("/", aws::handle);
      http.start();
      return aws;
    }
  }
}
