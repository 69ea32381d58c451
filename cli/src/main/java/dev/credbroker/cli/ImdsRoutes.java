package dev.credbroker.cli;

import dev.credbroker.client.SessionCredentials;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The part of the EC2 instance metadata service (IMDSv2) that SDKs and the AWS CLI use for
 * credentials, for tools that know no other way ({@code AWS_EC2_METADATA_SERVICE_ENDPOINT}):
 * <ul>
 *   <li>{@code PUT /latest/api/token} with {@code X-aws-ec2-metadata-token-ttl-seconds} (1 to
 *       21600) answers a session token ({@link ImdsTokens});
 *   <li>{@code GET /latest/meta-data/iam/security-credentials/} lists the role: the first served
 *       one, alone, as on EC2 (an instance has one role, and botocore reads the whole answer as
 *       its name);
 *   <li>{@code GET .../security-credentials/<role>} answers any served role in EC2's JSON shape.
 * </ul>
 * Every GET needs a valid {@code X-aws-ec2-metadata-token} (IMDSv2 only: 401 without). A request
 * with {@code X-Forwarded-For} is refused (403), as IMDS refuses them, so a local proxy cannot relay
 * a remote caller. Other paths are 404: this is not the rest of the metadata service.
 */
final class ImdsRoutes implements Route.Router {
  static final String PREFIX = "/latest/";
  static final String TOKEN_PATH = "/latest/api/token";
  static final String CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/";
  static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
  static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

  private final ImdsTokens tokens;
  private final Map<String, Supplier<SessionCredentials>> roles;
  private final String listed;
  private final Clock clock;

  /** {@code roles} in order; the first is the one the listing names. */
  ImdsRoutes(ImdsTokens tokens, Map<String, Supplier<SessionCredentials>> roles, Clock clock) {
    this.tokens = tokens;
    this.roles = new LinkedHashMap<>(roles);
    this.listed = roles.keySet().iterator().next();
    this.clock = clock;
  }

  @Override
  public Route route(EndpointRequest r) {
    if (r.header("X-Forwarded-For") != null) {
      return refuse(HttpResponseStatus.FORBIDDEN, "Forbidden", "forwarded requests are refused");
    }
    String path = normalise(r.path());
    if (TOKEN_PATH.equals(path)) {
      return token(r);
    }
    if (path == null || !(path.startsWith(CREDENTIALS_PATH) || (path + "/").equals(CREDENTIALS_PATH))) {
      return refuse(HttpResponseStatus.NOT_FOUND, "NotFound", "only " + CREDENTIALS_PATH + " is served");
    }
    if (!HttpMethod.GET.equals(r.method())) {
      return refuse(HttpResponseStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed", "use GET");
    }
    if (!tokens.valid(r.header(TOKEN_HEADER))) {
      return refuse(HttpResponseStatus.UNAUTHORIZED, "Unauthorized",
          "a valid " + TOKEN_HEADER + " is required (PUT " + TOKEN_PATH + " first)");
    }
    String role = path.length() <= CREDENTIALS_PATH.length() ? "" : path.substring(CREDENTIALS_PATH.length());
    if (role.isEmpty()) {
      return new Route.Answer(JsonAnswers.text(HttpResponseStatus.OK, listed));
    }
    Supplier<SessionCredentials> source = roles.get(role);
    if (source == null) {
      return refuse(HttpResponseStatus.NOT_FOUND, "NotFound", "no such role is served");
    }
    return new Route.WithCredentials(source, this::ec2);
  }

  /** Whether {@code path} is one of IMDS's rather than the container endpoint's. */
  static boolean handles(String path) {
    String p = normalise(path);
    return p != null && p.startsWith(PREFIX);
  }

  /**
   * Repeated slashes as one: botocore appends {@code latest/...} to the endpoint and needs it to
   * end in a slash, the Java SDK appends {@code /latest/...}; one printed endpoint serves both.
   */
  static String normalise(String path) {
    return path == null ? null : path.replaceAll("/{2,}", "/");
  }

  private Route token(EndpointRequest r) {
    if (!HttpMethod.PUT.equals(r.method())) {
      return refuse(HttpResponseStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed", "use PUT");
    }
    int ttl;
    try {
      ttl = Integer.parseInt(String.valueOf(r.header(TTL_HEADER)).strip());
    } catch (NumberFormatException e) {
      ttl = 0;
    }
    if (ttl < 1 || ttl > ImdsTokens.MAX_TTL_SECONDS) {
      return refuse(HttpResponseStatus.BAD_REQUEST, "BadRequest",
          TTL_HEADER + " must be 1 to " + ImdsTokens.MAX_TTL_SECONDS);
    }
    FullHttpResponse answer = JsonAnswers.text(HttpResponseStatus.OK, tokens.issue(ttl));
    answer.headers().set(TTL_HEADER, ttl);
    return new Route.Answer(answer);
  }

  /** EC2's answer for a role (the shape botocore and the SDKs' instance profile providers parse). */
  private FullHttpResponse ec2(SessionCredentials c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Code", "Success");
    m.put("LastUpdated", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    m.put("Type", "AWS-HMAC");
    m.put("AccessKeyId", c.accessKeyId());
    m.put("SecretAccessKey", c.secretAccessKey());
    m.put("Token", c.sessionToken());
    m.put("Expiration", CredentialFormats.expiration(c));
    return JsonAnswers.json(HttpResponseStatus.OK, m);
  }

  private static Route refuse(HttpResponseStatus status, String code, String message) {
    return new Route.Answer(JsonAnswers.error(status, code, message));
  }
}
