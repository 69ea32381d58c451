package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.server.testing.MutableClock;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;

/**
 * serve in process: the endpoint's answers and refusals, and the AWS SDK for Java's own container
 * credentials provider reading it.
 */
class ServeCommandTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  @RegisterExtension final FakeBroker broker = FakeBroker.perTest(clock);
  private ServeCommand.Running running;
  @TempDir Path dir;

  @AfterEach
  void stop() throws Exception {
    if (running != null) {
      running.close();
    }
  }

  /** Starts serve; returns the variables it printed ({@code export NAME=VALUE}, comments skipped). */
  private Map<String, String> serve(String... extra) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("--role", "deployer", "--target", broker.target(),
        "--plaintext"));
    args.addAll(List.of(extra));
    running = ServeCommand.start(args, new Io(Map.of("CREDBROKER_TOKEN", "aaa.bbb.ccc",
        "XDG_RUNTIME_DIR", dir.toString()),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()), clock));
    Map<String, String> exports = new java.util.HashMap<>();
    out.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).forEach(l -> {
      String[] kv = l.substring("export ".length()).split("=", 2);
      exports.put(kv[0], kv[1]);
    });
    return exports;
  }

  /** The endpoint's token, from the file serve named. */
  private static String token(Map<String, String> exports) throws Exception {
    return Files.readString(Path.of(exports.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")));
  }

  private HttpResponse<String> get(String uri, String authorization) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(uri));
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void endpoint_answersTheContainerCredentialsJson() throws Exception {
    Map<String, String> env = serve();
    String uri = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    assertTrue(uri.matches("http://127\\.0\\.0\\.1:\\d+/credentials"), uri);

    HttpResponse<String> r = get(uri, token(env));

    assertEquals(200, r.statusCode());
    Map<String, Object> json = JSONObjectUtils.parse(r.body());
    assertEquals("ASIAFAKE000000000001", json.get("AccessKeyId"));
    assertTrue(((String) json.get("Token")).startsWith("fake-session-token-1-"));
    assertEquals(FakeBroker.ROLE_ARN_PREFIX + "deployer/alice", json.get("RoleArn"));
    assertEquals("123456789012", json.get("AccountId"));
    assertEquals(Instant.parse((String) json.get("Expiration")), clock.instant().plus(Duration.ofHours(1))
        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
  }

  @Test
  void awsSdkContainerProvider_readsTheEndpoint() throws Exception {
    Map<String, String> env = serve();
    // The SDK reads these settings from system properties when the environment variables are unset.
    System.setProperty("aws.containerCredentialsFullUri", env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"));
    System.setProperty("aws.containerAuthorizationToken", token(env));
    try (ContainerCredentialsProvider sdk = ContainerCredentialsProvider.builder().build()) {
      AwsSessionCredentials c = (AwsSessionCredentials) sdk.resolveCredentials();
      assertEquals("ASIAFAKE000000000001", c.accessKeyId());
      assertTrue(c.sessionToken().startsWith("fake-session-token-1-"));
    } finally {
      System.clearProperty("aws.containerCredentialsFullUri");
      System.clearProperty("aws.containerAuthorizationToken");
    }
  }

  @Test
  void missingWrongOrMisdirectedRequests_areRefused() throws Exception {
    Map<String, String> env = serve();
    String uri = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    String token = token(env);

    assertEquals(401, get(uri, null).statusCode());
    HttpResponse<String> wrong = get(uri, token.substring(1) + "x");
    assertEquals(403, wrong.statusCode());
    assertEquals("{\"code\":\"Forbidden\",\"message\":\"wrong authorization token\"}", wrong.body());
    assertEquals(403, get(uri, "Bearer " + token).statusCode());
    assertEquals(404, get(uri.replace("/credentials", "/"), token).statusCode());
    assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(uri)).header("Authorization", token)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(1, broker.credentialCalls(), "refused requests never reach the broker");
  }

  @Test
  void tokenFile_isPrivate_printedAsAPath_andRemovedAtStop() throws Exception {
    Path file = dir.resolve("endpoint-token");
    Map<String, String> env = serve("--endpoint-token-file", file.toString());

    assertEquals(file.toAbsolutePath().toString(), env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(200, get(env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"), Files.readString(file)).statusCode());
    assertFalse(out.toString(StandardCharsets.UTF_8).contains(Files.readString(file)), "never the token itself");

    running.close();
    running = null;
    assertFalse(Files.exists(file));
  }

  @Test
  void withoutATokenFile_aPrivateOneUnderTheRuntimeDir_removedWithItsDirectoryAtStop() throws Exception {
    Map<String, String> env = serve();

    Path file = Path.of(env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
    assertEquals(dir, file.getParent().getParent());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertFalse(out.toString(StandardCharsets.UTF_8).contains(Files.readString(file)), "never the token itself");
    assertEquals(200, get(env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"), Files.readString(file)).statusCode());

    running.close();
    running = null;
    assertFalse(Files.exists(file.getParent()));
  }

  /** The printed line, run by a shell, sets the variable older SDKs read, even from an awkward path. */
  @Test
  void printedTokenLine_setsTheTokenVariableInAShell() throws Exception {
    Path file = dir.resolve("it's a token");
    serve("--endpoint-token-file", file.toString());
    String line = out.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith("export AWS_CONTAINER_AUTHORIZATION_TOKEN=")).findFirst().orElseThrow();

    Process sh = new ProcessBuilder("sh", "-c", line + "; printf %s \"$AWS_CONTAINER_AUTHORIZATION_TOKEN\"")
        .redirectErrorStream(true).start();
    String printed = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertEquals(0, sh.waitFor());
    assertEquals(Files.readString(file), printed);
  }

  @Test
  void brokerDownPastExpiry_answers503_neverExpiredCredentials() throws Exception {
    Map<String, String> env = serve();
    broker.failNext(Status.UNAVAILABLE, Status.UNAVAILABLE, Status.UNAVAILABLE, Status.UNAVAILABLE,
        Status.UNAVAILABLE, Status.UNAVAILABLE, Status.UNAVAILABLE, Status.UNAVAILABLE);
    clock.advance(Duration.ofHours(1));

    HttpResponse<String> r = get(env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"), token(env));

    assertEquals(503, r.statusCode(), r.body());
    Map<String, Object> json = JSONObjectUtils.parse(r.body());
    assertEquals("CredentialsUnavailable", json.get("code"));
    assertTrue(((String) json.get("message")).contains("expired at"), r.body());
    assertFalse(r.body().contains("ASIA"), r.body());
  }

  @Test
  void nonLoopbackBind_isRefused() throws Exception {
    for (String bind : List.of("0.0.0.0", "192.0.2.10", "::")) {
      CliRun r = CliRun.run(Map.of("CREDBROKER_TOKEN", "a.b.c"), clock, "serve", "--role", "deployer",
          "--target", broker.target(), "--plaintext", "--bind", bind);
      assertEquals(2, r.exit(), r.toString());
      assertTrue(r.err().startsWith("credbroker: refusing to bind to "), r.err());
      assertEquals("", r.out());
    }
    assertEquals(0, broker.credentialCalls());
    assertThrows(IllegalArgumentException.class, () -> ContainerEndpoint.start(
        InetAddress.getByName("192.0.2.10"), 0, "t", () -> null, clock));
  }

  @Test
  void firstCredentialsFail_exitCodeAndNothingServed() {
    broker.failNext(Status.PERMISSION_DENIED.withDescription("not entitled to role 'deployer'"));
    CliRun r = CliRun.run(Map.of("CREDBROKER_TOKEN", "a.b.c"), clock, "serve", "--role", "deployer",
        "--target", broker.target(), "--plaintext");
    assertEquals(4, r.exit(), r.toString());
    assertEquals("", r.out());
  }
}
