package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.server.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;

/**
 * serve with several roles and {@code --imds}, in process: the AWS SDK for Java's own instance
 * profile provider reading it, and the IMDSv2 rules over real HTTP.
 */
class ImdsServeTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final HttpClient http = HttpClient.newHttpClient();
  @RegisterExtension final FakeBroker broker = FakeBroker.perTest(clock);
  @TempDir Path dir;

  /** A running serve and what it printed on stdout. */
  private record Served(ServeCommand.Running running, String output) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      running.close();
    }
  }

  /** Starts serve for deployer and reader with IMDS. */
  private Served serve(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--role", "deployer", "--role=reader", "--imds",
        "--target", broker.target(), "--plaintext"));
    args.addAll(List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ServeCommand.Running running = ServeCommand.start(args, new Io(Map.of("CREDBROKER_TOKEN", "aaa.bbb.ccc",
        "XDG_RUNTIME_DIR", dir.toString()),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()), clock));
    return new Served(running, out.toString(StandardCharsets.UTF_8));
  }

  private static String imdsEndpoint(Served s) {
    return printed(s.output(), "^# export AWS_EC2_METADATA_SERVICE_ENDPOINT=(\\S+)$");
  }

  private static String printed(String output, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(output);
    assertTrue(m.find(), output);
    return m.group(1);
  }

  private HttpResponse<String> send(String method, String uri, Map<String, String> headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(uri))
        .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(r::header);
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void awsSdkInstanceProfileProvider_getsTheFirstRolesCredentials() throws Exception {
    try (Served served = serve(); InstanceProfileCredentialsProvider sdk = InstanceProfileCredentialsProvider.builder()
        .endpoint(imdsEndpoint(served)).asyncCredentialUpdateEnabled(false).build()) {
      AwsSessionCredentials c = (AwsSessionCredentials) sdk.resolveCredentials();

      assertEquals("ASIAFAKE000000000001", c.accessKeyId(), "deployer's, fetched first");
      assertTrue(c.sessionToken().startsWith("fake-session-token-1-"));
    }
  }

  @Test
  void imds_tokenRequiredAndItsTtlBounded_forwardedRequestsRefused() throws Exception {
    try (Served served = serve()) {
      imdsRules(imdsEndpoint(served));
    }
  }

  private void imdsRules(String imds) throws Exception {
    String tokenUri = imds + "latest/api/token";
    String list = imds + "latest/meta-data/iam/security-credentials/";

    assertEquals(400, send("PUT", tokenUri, Map.of()).statusCode(), "no TTL");
    assertEquals(400, send("PUT", tokenUri, Map.of(ImdsRoutes.TTL_HEADER, "0")).statusCode());
    assertEquals(400, send("PUT", tokenUri, Map.of(ImdsRoutes.TTL_HEADER, "21601")).statusCode());
    assertEquals(405, send("GET", tokenUri, Map.of(ImdsRoutes.TTL_HEADER, "60")).statusCode());
    HttpResponse<String> issued = send("PUT", tokenUri, Map.of(ImdsRoutes.TTL_HEADER, "21600"));
    assertEquals(200, issued.statusCode());
    assertEquals("21600", issued.headers().firstValue(ImdsRoutes.TTL_HEADER).orElseThrow());
    String token = issued.body();

    assertEquals(401, send("GET", list, Map.of()).statusCode(), "IMDSv1 is not served");
    assertEquals(401, send("GET", list, Map.of(ImdsRoutes.TOKEN_HEADER, token + "x")).statusCode());
    HttpResponse<String> roles = send("GET", list, Map.of(ImdsRoutes.TOKEN_HEADER, token));
    assertEquals(200, roles.statusCode());
    assertEquals("deployer", roles.body(), "one role, as on EC2");

    HttpResponse<String> reader = send("GET", list + "reader", Map.of(ImdsRoutes.TOKEN_HEADER, token));
    assertEquals(200, reader.statusCode());
    Map<String, Object> json = JSONObjectUtils.parse(reader.body());
    assertEquals(List.of("Code", "LastUpdated", "Type", "AccessKeyId", "SecretAccessKey", "Token",
        "Expiration"), new ArrayList<>(json.keySet()));
    assertEquals("Success", json.get("Code"));
    assertEquals("AWS-HMAC", json.get("Type"));
    assertEquals("ASIAFAKE000000000002", json.get("AccessKeyId"), "reader's");
    assertEquals(404, send("GET", list + "nobody", Map.of(ImdsRoutes.TOKEN_HEADER, token)).statusCode());
    assertEquals(405, send("POST", list, Map.of(ImdsRoutes.TOKEN_HEADER, token)).statusCode());

    assertEquals(403, send("GET", list + "reader", Map.of(ImdsRoutes.TOKEN_HEADER, token,
        "X-Forwarded-For", "203.0.113.7")).statusCode());
    assertEquals(403, send("PUT", tokenUri, Map.of(ImdsRoutes.TTL_HEADER, "60",
        "X-Forwarded-For", "203.0.113.7")).statusCode());
  }

  @Test
  void containerEndpoint_servesEveryRoleAtItsOwnPath_theFirstAtTheBarePath() throws Exception {
    try (Served served = serve()) {
      everyRoleAtItsPath(served.output());
    }
  }

  private void everyRoleAtItsPath(String output) throws Exception {
    String uri = printed(output, "^export AWS_CONTAINER_CREDENTIALS_FULL_URI=(\\S+)$");
    String readerUri = printed(output, "^# role reader: AWS_CONTAINER_CREDENTIALS_FULL_URI=(\\S+)$");
    String token = Files.readString(Path.of(printed(output, "^export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=(\\S+)$")));

    assertTrue(readerUri.endsWith("/credentials/reader"), readerUri);
    Map<String, Object> first = JSONObjectUtils.parse(send("GET", uri, Map.of("Authorization", token)).body());
    Map<String, Object> reader = JSONObjectUtils.parse(send("GET", readerUri, Map.of("Authorization", token)).body());
    Map<String, Object> deployer = JSONObjectUtils.parse(
        send("GET", uri + "/deployer", Map.of("Authorization", token)).body());
    assertEquals(FakeBroker.ROLE_ARN_PREFIX + "deployer/alice", first.get("RoleArn"));
    assertEquals(first.get("AccessKeyId"), deployer.get("AccessKeyId"));
    assertEquals(FakeBroker.ROLE_ARN_PREFIX + "reader/alice", reader.get("RoleArn"));
    assertEquals(404, send("GET", uri + "/nobody", Map.of("Authorization", token)).statusCode());
  }

  @Test
  void sameRoleTwice_isAUsageError() {
    assertThrows(CliOptions.UsageException.class, () -> serve("--role", "deployer"));
  }
}
