package dev.credbroker.cli;

import dev.credbroker.client.SessionCredentials;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The container credentials endpoint ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}): GET
 * {@code /credentials/<role>} for each served role, and {@code /credentials} for the first. 401
 * without an {@code Authorization} header, 403 with a wrong one (compared in constant time),
 * 404/405 for other paths and methods.
 */
final class ContainerRoutes implements Route.Router {
  static final String PATH = "/credentials";

  private final byte[] token;
  private final Map<String, Supplier<SessionCredentials>> roles;
  private final Supplier<SessionCredentials> first;

  /** {@code roles} in order: the first is also served at {@link #PATH}. */
  ContainerRoutes(String token, Map<String, Supplier<SessionCredentials>> roles) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.roles = new LinkedHashMap<>(roles);
    this.first = roles.values().iterator().next();
  }

  @Override
  public Route route(EndpointRequest r) {
    String path = r.path();
    Supplier<SessionCredentials> source = path == null ? null : PATH.equals(path) ? first
        : path.startsWith(PATH + "/") ? roles.get(path.substring(PATH.length() + 1)) : null;
    if (source == null) {
      return refuse(HttpResponseStatus.NOT_FOUND, "NotFound",
          "the credentials are at " + PATH + " or " + PATH + "/<role>");
    }
    if (!HttpMethod.GET.equals(r.method())) {
      return refuse(HttpResponseStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed", "use GET");
    }
    String authorization = r.header(HttpHeaderNames.AUTHORIZATION);
    if (authorization == null) {
      return refuse(HttpResponseStatus.UNAUTHORIZED, "Unauthorized", "the Authorization"
          + " header is missing; set AWS_CONTAINER_AUTHORIZATION_TOKEN or"
          + " AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    }
    if (!MessageDigest.isEqual(token, authorization.getBytes(StandardCharsets.UTF_8))) {
      return refuse(HttpResponseStatus.FORBIDDEN, "Forbidden", "wrong authorization token");
    }
    return new Route.WithCredentials(source,
        c -> JsonAnswers.json(HttpResponseStatus.OK, CredentialFormats.container(c)));
  }

  private static Route refuse(HttpResponseStatus status, String code, String message) {
    return new Route.Answer(JsonAnswers.error(status, code, message));
  }
}
