package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.client.SessionCredentials;
import dev.credbroker.server.testing.MutableClock;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultHttpHeaders;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaders;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile requests against the IMDS routes: whatever the method, path, token and headers, a
 * request gets credentials only as a GET of a served role with a token this instance issued and
 * that has not expired, never with X-Forwarded-For; and a token is only issued for a TTL of 1 to
 * 21600 seconds.
 */
class ImdsRoutesPropertiesTest {
  private static final String CREDENTIALS = ImdsRoutes.CREDENTIALS_PATH;

  private final MutableClock clock = MutableClock.startingNow();
  private final ImdsTokens tokens = new ImdsTokens(clock);
  private final ImdsTokens otherInstance = new ImdsTokens(clock);
  private final ImdsRoutes routes = new ImdsRoutes(tokens, roles(), clock);

  private static Map<String, Supplier<SessionCredentials>> roles() {
    Map<String, Supplier<SessionCredentials>> m = new LinkedHashMap<>();
    m.put("deployer", () -> null);
    m.put("reader", () -> null);
    return m;
  }

  /** A hostile request; its token is one of: none, valid, expired, another instance's, garbage. */
  record Attempt(HttpMethod method, String path, String tokenKind, String garbage, boolean forwarded,
      String ttl) {}

  @Provide
  Arbitrary<Attempt> attempts() {
    Arbitrary<HttpMethod> methods = Arbitraries.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.POST,
        HttpMethod.HEAD, HttpMethod.DELETE, HttpMethod.OPTIONS);
    Arbitrary<String> paths = Arbitraries.oneOf(
        Arbitraries.of(CREDENTIALS, CREDENTIALS + "deployer", CREDENTIALS + "reader", CREDENTIALS + "nobody",
            CREDENTIALS + "deployer/", CREDENTIALS + "../deployer", ImdsRoutes.TOKEN_PATH,
            "/latest/meta-data/iam/security-credentials", "/latest/meta-data/", "/latest/api/token/",
            CREDENTIALS + "%2e%2e/x", "//latest/meta-data/iam/security-credentials/deployer"),
        Arbitraries.strings().ofMaxLength(80).map(s -> "/latest/" + s),
        Arbitraries.strings().ascii().ofMaxLength(60));
    Arbitrary<String> kinds = Arbitraries.of("none", "valid", "expired", "other", "garbage");
    Arbitrary<String> garbage = Arbitraries.strings().ascii().ofMaxLength(120);
    Arbitrary<String> ttls = Arbitraries.oneOf(Arbitraries.integers().between(-5, 30_000).map(String::valueOf),
        Arbitraries.strings().ascii().ofMaxLength(12), Arbitraries.just(null));
    return Combinators.combine(methods, paths, kinds, garbage, Arbitraries.of(true, false), ttls)
        .as(Attempt::new);
  }

  @Property(tries = 2000)
  void credentialsOnlyForAValidTokenAndAServedRole(@ForAll("attempts") Attempt a) {
    String token = switch (a.tokenKind()) {
      case "valid" -> tokens.issue(60);
      case "expired" -> expired();
      case "other" -> otherInstance.issue(60);
      case "garbage" -> a.garbage();
      default -> null;
    };
    HttpHeaders headers = new DefaultHttpHeaders(false);
    if (token != null) {
      headers.add(ImdsRoutes.TOKEN_HEADER, token);
    }
    if (a.ttl() != null) {
      headers.add(ImdsRoutes.TTL_HEADER, a.ttl());
    }
    if (a.forwarded()) {
      headers.add("X-Forwarded-For", "203.0.113.7");
    }

    EndpointRequest request = new EndpointRequest(a.method(), a.path(), headers, true, null);
    Route route = routes.route(request);

    String path = String.valueOf(ImdsRoutes.normalise(request.path())); // as the server reads it
    boolean servedRole = path.equals(CREDENTIALS + "deployer") || path.equals(CREDENTIALS + "reader");
    if (route instanceof Route.WithCredentials) {
      assertTrue(servedRole && a.method().equals(HttpMethod.GET) && a.tokenKind().equals("valid")
          && !a.forwarded(), a.toString());
    } else {
      FullHttpResponse answer = ((Route.Answer) route).response();
      try {
        int status = answer.status().code();
        if (status == 200) {
          boolean tokenIssued = path.equals(ImdsRoutes.TOKEN_PATH);
          boolean listing = path.equals(CREDENTIALS) || path.equals(CREDENTIALS.substring(0, CREDENTIALS.length() - 1));
          assertTrue(!a.forwarded() && (tokenIssued ? validTtl(a.ttl()) && a.method().equals(HttpMethod.PUT)
              : listing && a.tokenKind().equals("valid") && a.method().equals(HttpMethod.GET)), a.toString());
        }
        if (a.forwarded()) {
          assertEquals(403, status, a.toString());
        }
      } finally {
        answer.release();
      }
    }
  }

  @Property(tries = 500)
  void garbageIsNeverAValidToken(@ForAll("garbageTokens") String s) {
    assertFalse(tokens.valid(s));
  }

  @Provide
  Arbitrary<String> garbageTokens() {
    return Arbitraries.oneOf(Arbitraries.strings().ascii().ofMaxLength(200),
        Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            .ofLength(38));
  }

  private String expired() {
    String t = tokens.issue(1);
    clock.advance(Duration.ofSeconds(1));
    return t;
  }

  private static boolean validTtl(String ttl) {
    try {
      int n = Integer.parseInt(ttl.strip());
      return n >= 1 && n <= ImdsTokens.MAX_TTL_SECONDS;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
