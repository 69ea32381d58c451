package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.cli.testing.Commands;
import dev.credbroker.server.testing.DevBanner;
import dev.credbroker.server.testing.FakeSecretsManager;
import dev.credbroker.server.testing.FakeSts;
import dev.credbroker.server.testing.ProcessRunner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.ProcessCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Real consumers of the shipped CLI: Debian's AWS CLI ({@code /usr/bin/aws}, installed by
 * scripts/install-test-deps.sh) through credential_process, the container endpoint, exec and the
 * shared credentials file; the AWS SDK for Java's ProcessCredentialsProvider; get-secret. Behind
 * them: the shipped broker jar in --dev mode, with FakeSts and FakeSecretsManager (both verifying
 * SigV4) as AWS.
 */
class AwsCliIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Path AWS = Path.of("/usr/bin/aws");
  private static final String ARN = "arn:aws:sts::123456789012:assumed-role/deployer/dev-user.";

  @TempDir static Path dir;
  private static FakeSts sts;
  private static FakeSecretsManager secretsManager;
  private static ProcessRunner broker;
  private static String target;
  private static String token;

  @BeforeAll
  static void startBroker() throws Exception {
    sts = FakeSts.start(Clock.systemUTC());
    secretsManager = FakeSecretsManager.start(Clock.systemUTC());
    secretsManager.putString("payments/db", "{\"username\":\"payments\",\"password\":\"pw-from-sm\"}");
    Path config = Files.writeString(dir.resolve("broker.yaml"), """
        server: {listen: 127.0.0.1:0}
        metrics: {listen: 127.0.0.1:0}
        aws: {region: us-east-1, endpoint: "%s", secrets_manager_endpoint: "%s"}
        roles:
          deployer: {arn: "arn:aws:iam::123456789012:role/deployer"}
          reader: {arn: "arn:aws:iam::123456789012:role/reader"}
        secrets:
          payments-db: {id: payments/db}
        rules:
          - {id: devs, when: {claims: {groups: {contains: developers}}}, roles: [deployer, reader], secrets: [payments-db]}
        """.formatted(sts.endpoint(), secretsManager.endpoint()));
    broker = ProcessRunner.start(List.of(ProcessRunner.javaBin(), "-jar",
        System.getProperty("credbroker.serverJar"), "--dev", "--aws", "real", "--config",
        config.toString()),
        Map.of("AWS_ACCESS_KEY_ID", FakeSts.BROKER_KEY_ID, "AWS_SECRET_ACCESS_KEY", FakeSts.BROKER_SECRET,
            "AWS_EC2_METADATA_DISABLED", "true"));
    target = "127.0.0.1:" + broker.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1);
    token = DevBanner.token(broker, WAIT);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
    if (sts != null) {
      sts.close();
    }
    if (secretsManager != null) {
      secretsManager.close();
    }
  }

  private static String launcher() {
    return System.getProperty("credbroker.launcher");
  }

  /** The environment of an AWS CLI run: isolated home and config, no instance metadata, the region. */
  private static Map<String, String> awsEnv(Path home) throws Exception {
    Files.createDirectories(home);
    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("AWS_CONFIG_FILE", home.resolve("aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("aws-credentials").toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_REGION", "us-east-1");
    env.put("JAVA_HOME", System.getProperty("java.home"));
    return env;
  }

  private static List<String> getCallerIdentity(String... extra) {
    List<String> cmd = new ArrayList<>(List.of(AWS.toString(), "sts", "get-caller-identity",
        "--endpoint-url", sts.endpoint().toString(), "--query", "Arn", "--output", "text"));
    cmd.addAll(List.of(extra));
    return cmd;
  }

  private static void requireAwsCli() {
    // Fails rather than skips: a missing package is a broken test setup, not an optional test.
    assertTrue(Files.isExecutable(AWS), "/usr/bin/aws (Debian package awscli) is not installed;"
        + " scripts/install-test-deps.sh installs it");
  }

  /** An AWS CLI environment whose profile "broker" runs the shipped CLI as its credential_process. */
  private static Map<String, String> credentialProcessProfile(Path home, String extraArgs) throws Exception {
    Map<String, String> env = awsEnv(home);
    Files.writeString(home.resolve("aws-config"), """
        [profile broker]
        region = us-east-1
        credential_process = %s credential-process --role deployer --target %s --plaintext%s
        """.formatted(launcher(), target, extraArgs));
    env.put("AWS_PROFILE", "broker");
    env.put("CREDBROKER_TOKEN", token);
    return env;
  }

  @Test
  void awsCli_withCredentialProcess_printsTheAssumedRoleArn() throws Exception {
    requireAwsCli();
    Path home = dir.resolve("credential-process");
    Map<String, String> env = credentialProcessProfile(home, "");

    Commands.Result first = Commands.run(getCallerIdentity(), env, WAIT);
    Commands.Result second = Commands.run(getCallerIdentity(), env, WAIT);

    assertEquals(0, first.exit(), first.toString());
    assertTrue(first.output().strip().startsWith(ARN), first.toString());
    assertEquals(first.output(), second.output(), "the same session, from the credential cache");
    try (var cached = Files.list(home.resolve(".cache/credbroker"))) {
      assertEquals(1, cached.count());
    }
  }

  /** The line about a capped --duration goes to stderr; the AWS CLI still reads the JSON on stdout. */
  @Test
  void awsCli_withCredentialProcess_durationAboveTheGrant_stillWorks() throws Exception {
    requireAwsCli();
    Map<String, String> env = credentialProcessProfile(dir.resolve("credential-process-capped"),
        " --duration 12h --no-cache");

    Commands.Result r = Commands.run(getCallerIdentity(), env, WAIT);

    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.output().strip().startsWith(ARN), r.toString());
  }

  /**
   * Debian's AWS CLI with nothing but AWS_EC2_METADATA_SERVICE_ENDPOINT: no credentials in the
   * environment or its files, no container endpoint. It takes an IMDSv2 token, lists the role,
   * reads its credentials and signs the call. With two roles served the listing names the first
   * alone, as EC2 names an instance's one role: botocore takes the whole answer as the role's name
   * (docs/client.md), so a two-line listing would break it.
   */
  @Test
  void awsCli_withTheImdsEndpointOnly_printsTheFirstRolesArn() throws Exception {
    requireAwsCli();
    // --timeout: the broker process may still be cold (first STS call, JIT) on a loaded machine
    try (ProcessRunner serve = ProcessRunner.start(List.of(launcher(), "serve", "--role", "deployer",
        "--role", "reader", "--imds", "--target", target, "--plaintext", "--timeout", "60s"),
        Map.of("CREDBROKER_TOKEN", token,
            "JAVA_HOME", System.getProperty("java.home")))) {
      String imds = serve.awaitLine("^# export AWS_EC2_METADATA_SERVICE_ENDPOINT=(\\S+)$", WAIT).group(1);
      Map<String, String> env = awsEnv(dir.resolve("imds"));
      env.remove("AWS_EC2_METADATA_DISABLED");
      env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds);

      Commands.Result ok = Commands.run(getCallerIdentity(), env, WAIT);

      assertEquals(0, ok.exit(), ok.toString());
      assertTrue(ok.output().strip().startsWith(ARN), ok.toString());
      serve.terminate();
      assertEquals(0, serve.awaitExit(WAIT), serve.output());
    }
  }

  @Test
  void awsCli_withTheContainerEndpoint_printsTheAssumedRoleArn_andWrongTokensAreRefused() throws Exception {
    requireAwsCli();
    try (ProcessRunner serve = ProcessRunner.start(List.of(launcher(), "serve", "--role", "deployer",
        "--target", target, "--plaintext"), Map.of("CREDBROKER_TOKEN", token,
            "JAVA_HOME", System.getProperty("java.home")))) {
      String uri = serve.awaitLine("^export AWS_CONTAINER_CREDENTIALS_FULL_URI=(\\S+)$", WAIT).group(1);
      Path tokenFile = Path.of(serve.awaitLine("^export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=(\\S+)$", WAIT)
          .group(1));
      String tokenLine = serve.awaitLine("^export AWS_CONTAINER_AUTHORIZATION_TOKEN=.*$", WAIT).group();
      String endpointToken = Files.readString(tokenFile);
      Map<String, String> env = awsEnv(dir.resolve("container"));
      env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri);

      // Debian 12's AWS CLI reads only AWS_CONTAINER_AUTHORIZATION_TOKEN: set as the printed line says
      List<String> pasted = new ArrayList<>(List.of("sh", "-c", tokenLine + " && exec \"$0\" \"$@\""));
      pasted.addAll(getCallerIdentity());
      Commands.Result ok = Commands.run(pasted, env, WAIT);
      assertEquals(0, ok.exit(), ok.toString());
      assertTrue(ok.output().strip().startsWith(ARN), ok.toString());

      env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", "not-the-token");
      Commands.Result wrong = Commands.run(getCallerIdentity(), env, WAIT);
      assertNotEquals(0, wrong.exit(), wrong.toString());
      assertFalse(wrong.output().contains(ARN), wrong.toString());

      HttpClient http = HttpClient.newHttpClient();
      assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(uri)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(403, http.send(HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "x").build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());

      serve.terminate();
      assertEquals(0, serve.awaitExit(WAIT), serve.output());
      assertFalse(serve.output().contains(endpointToken), "the token is never printed: " + serve.output());
      assertFalse(Files.exists(tokenFile), "removed at stop");
    }
  }

  @Test
  void serve_refusesToBindANonLoopbackAddress() throws Exception {
    Commands.Result r = Commands.run(List.of(launcher(), "serve", "--role", "deployer", "--target", target,
        "--plaintext", "--bind", "0.0.0.0"), Map.of("CREDBROKER_TOKEN", token,
            "JAVA_HOME", System.getProperty("java.home")), WAIT);
    assertEquals(2, r.exit(), r.toString());
    assertEquals("credbroker: refusing to bind to 0.0.0.0: the endpoint serves credentials to this machine"
        + " only (use 127.0.0.1 or ::1); see credbroker serve --help\n", r.output());
  }

  @Test
  void exec_awsCliGetsTheCredentials_andExitCodesPassThrough() throws Exception {
    requireAwsCli();
    Map<String, String> env = awsEnv(dir.resolve("exec"));
    env.put("CREDBROKER_TOKEN", token);
    List<String> cmd = new ArrayList<>(List.of(launcher(), "exec", "--role", "deployer", "--target", target,
        "--plaintext", "--"));
    cmd.addAll(getCallerIdentity());
    Commands.Result r = Commands.run(cmd, env, WAIT);
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.output().strip().startsWith(ARN), r.toString());

    Commands.Result seven = Commands.run(List.of(launcher(), "exec", "--role", "deployer", "--target", target,
        "--plaintext", "--", "sh", "-c", "exit 7"), env, WAIT);
    assertEquals(7, seven.exit(), seven.toString());
  }

  @Test
  void update_awsCliReadsTheSharedCredentialsFile() throws Exception {
    requireAwsCli();
    Path home = dir.resolve("update");
    Map<String, String> env = awsEnv(home);
    env.put("CREDBROKER_TOKEN", token);
    Files.writeString(home.resolve("aws-credentials"), "[other]\naws_access_key_id = AKIAKEEP\n");
    Commands.Result update = Commands.run(List.of(launcher(), "update", "--role", "deployer", "--profile",
        "ci", "--once", "--target", target, "--plaintext"), env, WAIT);
    assertEquals(0, update.exit(), update.toString());

    env.remove("AWS_REGION"); // the profile's region, from the broker, is what the AWS CLI uses now
    Commands.Result r = Commands.run(getCallerIdentity("--profile", "ci"), env, WAIT);
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.output().strip().startsWith(ARN), r.toString());
    assertTrue(Files.readString(home.resolve("aws-credentials")).startsWith("[other]\naws_access_key_id = AKIAKEEP\n"));
    Commands.Result region = Commands.run(List.of(AWS.toString(), "configure", "get", "region", "--profile", "ci"),
        env, WAIT);
    assertEquals("us-east-1", region.output().strip(), region.toString());
  }

  @Test
  void javaSdkProcessProvider_andWhoamiEntitlementsAndGetSecret() throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("token"), token);
    String command = launcher() + " credential-process --role deployer --no-cache --target " + target
        + " --plaintext --token-file " + tokenFile;
    try (ProcessCredentialsProvider process = ProcessCredentialsProvider.builder().command(command).build();
        StsClient client = StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
            .region(Region.US_EAST_1).endpointOverride(sts.endpoint()).credentialsProvider(process).build()) {
      assertTrue(client.getCallerIdentity().arn().startsWith(ARN));
    }

    Map<String, String> env = Map.of("CREDBROKER_TOKEN", token, "JAVA_HOME", System.getProperty("java.home"));
    Commands.Result entitlements = Commands.run(List.of(launcher(), "entitlements", "--target", target,
        "--plaintext"), env, WAIT);
    assertEquals(0, entitlements.exit(), entitlements.toString());
    assertTrue(entitlements.output().contains("\"roleArn\": \"arn:aws:iam::123456789012:role/deployer\""),
        entitlements.toString());
    Commands.Result whoami = Commands.run(List.of(launcher(), "whoami", "--target", target, "--plaintext"),
        env, WAIT);
    assertTrue(whoami.output().contains("\"subject\": \"dev-user\""), whoami.toString());
    Commands.Result secret = Commands.run(List.of(launcher(), "get-secret", "payments-db", "--field", "password",
        "--target", target, "--plaintext"), env, WAIT);
    assertEquals(new Commands.Result(0, "pw-from-sm\n"), secret);
  }
}
