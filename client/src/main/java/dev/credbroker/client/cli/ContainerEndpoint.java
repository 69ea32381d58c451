package dev.credbroker.client.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.credbroker.client.SessionCredentials;
import dev.credbroker.client.internal.DaemonThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The container credentials endpoint for {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}: GET
 * {@code /credentials} with {@code Authorization: <token>} answers the JSON the SDKs' container
 * providers read. It binds to a loopback address only (the SDKs accept plain http only there),
 * compares the token in constant time, and answers 503 rather than anything expired or partial.
 */
final class ContainerEndpoint implements AutoCloseable {
  static final String PATH = "/credentials";

  private final HttpServer http;
  private final ExecutorService threads;
  private final byte[] token;
  private final Supplier<SessionCredentials> credentials;
  private final Clock clock;

  private ContainerEndpoint(HttpServer http, ExecutorService threads, byte[] token,
      Supplier<SessionCredentials> credentials, Clock clock) {
    this.http = http;
    this.threads = threads;
    this.token = token;
    this.credentials = credentials;
    this.clock = clock;
  }

  /** Starts on {@code bind:port} (0 for a free port); refuses any address that is not loopback. */
  static ContainerEndpoint start(InetAddress bind, int port, String token,
      Supplier<SessionCredentials> credentials, Clock clock) throws IOException {
    if (!bind.isLoopbackAddress()) {
      throw new IllegalArgumentException("refusing to serve credentials on " + bind.getHostAddress()
          + ": only a loopback address (127.0.0.1, ::1) keeps them on this machine");
    }
    HttpServer http = HttpServer.create(new InetSocketAddress(bind, port), 16);
    ExecutorService threads = Executors.newFixedThreadPool(2, DaemonThreads.named("credbroker-endpoint"));
    ContainerEndpoint endpoint = new ContainerEndpoint(http, threads,
        token.getBytes(StandardCharsets.UTF_8), credentials, clock);
    http.createContext("/", endpoint::handle);
    http.setExecutor(threads);
    http.start();
    return endpoint;
  }

  URI uri() {
    InetSocketAddress a = http.getAddress();
    String host = a.getAddress() instanceof Inet6Address ? "[" + a.getAddress().getHostAddress() + "]"
        : a.getAddress().getHostAddress();
    return URI.create("http://" + host + ":" + a.getPort() + PATH);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!PATH.equals(ex.getRequestURI().getPath())) {
        error(ex, 404, "NotFound", "the credentials are at " + PATH);
        return;
      }
      if (!"GET".equals(ex.getRequestMethod())) {
        error(ex, 405, "MethodNotAllowed", "use GET");
        return;
      }
      String given = ex.getRequestHeaders().getFirst("Authorization");
      if (given == null) {
        error(ex, 401, "Unauthorized", "the Authorization header is missing; set"
            + " AWS_CONTAINER_AUTHORIZATION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        return;
      }
      if (!MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
        error(ex, 403, "Forbidden", "wrong authorization token");
        return;
      }
      SessionCredentials c;
      try {
        c = CredentialFormats.requireUsable(credentials.get(), clock.instant());
      } catch (RuntimeException e) {
        error(ex, 503, "CredentialsUnavailable", e.getMessage());
        return;
      }
      send(ex, 200, CredentialFormats.container(c));
    }
  }

  private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", code);
    body.put("message", message);
    send(ex, status, body);
  }

  private static void send(HttpExchange ex, int status, Map<String, Object> body) throws IOException {
    byte[] bytes = JsonOutput.compact(body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    threads.shutdownNow();
  }
}
