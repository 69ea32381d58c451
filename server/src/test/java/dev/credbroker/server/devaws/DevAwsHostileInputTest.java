package dev.credbroker.server.devaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;

/**
 * Hostile requests at the development endpoint: random bodies, targets and authorization headers,
 * near-valid forms with garbage values. Every answer is an AWS error document with a 4xx status,
 * never a 5xx, a hang or a dropped connection.
 */
class DevAwsHostileInputTest {
  private static DevAws aws;
  private static HttpClient http;
  private static IamClient iam;

  @BeforeContainer
  static void start() throws Exception {
    aws = DevAws.builder().start();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    AccessKey key = aws.credentials().brokerKey();
    iam = IamClient.builder().endpointOverride(aws.endpoint()).region(Region.AWS_GLOBAL)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(key.id(), key.secret())))
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
  }

  @AfterContainer
  static void stop() {
    iam.close();
    aws.close();
  }

  @Property(tries = 150)
  void garbage_isAnsweredWithAnAwsError(@ForAll("bodies") byte[] body,
      @ForAll("targets") Optional<String> target, @ForAll("authorizations") String authorization,
      @ForAll("contentTypes") String contentType) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(aws.endpoint().resolve("/"))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", authorization)
        .header("X-Amz-Date", "20261130T120000Z")
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    target.ifPresent(t -> r.header("X-Amz-Target", t));
    HttpResponse<String> answer = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(answer.statusCode() >= 400 && answer.statusCode() < 500,
        answer.statusCode() + " " + answer.body());
    String expected = target.isPresent() ? "\"__type\"" : "<Code>";
    assertTrue(answer.body().contains(expected), answer.body());
  }

  @Property(tries = 50)
  void anUnsignedFormWithAnyValues_isRefusedBeforeItIsActedOn(
      @ForAll("actions") String action, @ForAll("values") String value) throws Exception {
    String form = "Action=" + action + "&Version=2011-06-15&RoleArn=" + value
        + "&RoleSessionName=" + value + "&DurationSeconds=" + value;
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(aws.endpoint())
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(answer.statusCode() >= 400 && answer.statusCode() < 500,
        answer.statusCode() + " " + answer.body());
    assertTrue(answer.body().startsWith("<ErrorResponse"), answer.body());
  }

  /**
   * Any document the broker (or an attacker holding its key) sends as a role policy is either
   * stored exactly and parses as JSON, or refused with IAM's 4xx error: never a 5xx.
   */
  @Property(tries = 100)
  void anyPolicyDocument_isStoredIntactOrRefusedAsIamWould(
      @ForAll("policyDocuments") String document) {
    try {
      iam.putRolePolicy(r -> r.roleName("hostile").policyName("p").policyDocument(document));
      assertEquals(document, aws.rolePolicies().get("hostile", "p").orElseThrow());
    } catch (IamException e) {
      assertTrue(e.statusCode() >= 400 && e.statusCode() < 500, e.statusCode() + " " + e);
      assertTrue(Set.of("MalformedPolicyDocument", "ValidationError", "LimitExceeded")
          .contains(e.awsErrorDetails().errorCode()), e.awsErrorDetails().errorCode());
    }
  }

  @Provide
  Arbitrary<String> policyDocuments() {
    Arbitrary<String> value = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(40).map(v -> "\"" + v.replace("\\", "").replace("\"", "")
            + "\""),
        Arbitraries.of("\"*\"", "\"s3:GetObject\"", "[\"*\"]", "[]", "1", "true", "null", "{}",
            "{\"StringEquals\":{\"aws:SourceIdentity\":\"x\"}}", "{\"DateLessThan\":{}}"));
    Arbitrary<String> key = Arbitraries.of("Sid", "Effect", "Action", "NotAction", "Resource",
        "NotResource", "Condition", "Principal", "Version", "Statement", "x");
    Arbitrary<String> statement = Arbitraries.maps(key, value).ofMaxSize(6).map(m -> {
      StringBuilder out = new StringBuilder("{");
      m.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append('"').append(k)
          .append("\":").append(v));
      return out.append('}').toString();
    });
    return Arbitraries.oneOf(
        statement.list().ofMaxSize(3).map(l -> "{\"Version\":\"2012-10-17\",\"Statement\":["
            + String.join(",", l) + "]}"),
        statement,
        Arbitraries.strings().ofMaxLength(300));
  }

  @Property(tries = 5)
  void anOversizedBody_isRefused(@ForAll("targets") Optional<String> target) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(aws.endpoint()).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[DevAws.MAX_BODY_BYTES + 1]));
    target.ifPresent(t -> r.header("X-Amz-Target", t));
    assertEquals(413, http.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode());
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(4096),
        Arbitraries.strings().ofMaxLength(512).map(s -> s.getBytes(StandardCharsets.UTF_8)),
        Arbitraries.of("{}", "[]", "null", "{\"SecretId\":1}", "{\"SecretId\":\"dev/db\"}",
            "Action=AssumeRole&Version=2011-06-15", "Action=GetCallerIdentity&Version=2011-06-15",
            "Action=%ZZ", "a=b&a=c", "Action=PutRolePolicy&Version=2010-05-08&RoleName=r"
                + "&PolicyName=p&PolicyDocument=%7B%7D", "{\"SecretId\":\"" + "x".repeat(3000) + "\"}")
            .map(s -> s.getBytes(StandardCharsets.UTF_8)));
  }

  @Provide
  Arbitrary<Optional<String>> targets() {
    return Arbitraries.oneOf(
        Arbitraries.of("secretsmanager.GetSecretValue", "secretsmanager.PutSecretValue",
            "secretsmanager.DescribeSecret", "secretsmanager.", "secretsmanager.DeleteSecret",
            "other.Thing").map(Optional::of),
        Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(64)
            .map(Optional::of),
        Arbitraries.just(Optional.empty()));
  }

  @Provide
  Arbitrary<String> authorizations() {
    Arbitrary<String> printable = Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1)
        .ofMaxLength(300).map(String::strip).filter(s -> !s.isEmpty());
    return Arbitraries.oneOf(printable,
        Arbitraries.of("AWS4-HMAC-SHA256 Credential=" + aws.credentials().brokerKey().id()
            + "/20261130/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature="
            + "0".repeat(64),
            "AWS4-HMAC-SHA256 Credential=" + aws.credentials().brokerKey().id()
            + "/20261130/us-east-1/secretsmanager/aws4_request, SignedHeaders=content-type;host;"
            + "x-amz-date;x-amz-target, Signature=" + "f".repeat(64),
            "AWS4-HMAC-SHA256 Credential=" + aws.credentials().brokerKey().id()
            + "/20261130/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature="
            + "1".repeat(64),
            "AWS4-HMAC-SHA256 Credential=AKIA/x/y/z/aws4_request, SignedHeaders=, Signature=",
            "Bearer abc"));
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.of("application/x-amz-json-1.1", "application/x-www-form-urlencoded",
        "text/plain", "application/json");
  }

  @Provide
  Arbitrary<String> actions() {
    return Arbitraries.of("AssumeRole", "GetCallerIdentity", "AssumeRoleWithWebIdentity",
        "DecodeAuthorizationMessage", "", "%00");
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(200).map(s -> java.net.URLEncoder.encode(s,
            StandardCharsets.UTF_8)),
        Arbitraries.of("9223372036854775807", "-1", "%", "%zz", "arn:aws:iam::111122223333:role/x"));
  }
}
