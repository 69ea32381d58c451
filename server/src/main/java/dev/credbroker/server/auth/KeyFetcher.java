package dev.credbroker.server.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.core.config.IssuerConfig;
import dev.credbroker.server.ops.Futures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches an issuer's signing keys without blocking the caller: OIDC discovery (unless a
 * {@code jwks_uri} is configured), then the JWK set. Responses are size-capped, redirects are not
 * followed, and the discovery document must name the configured issuer exactly (OpenID Connect
 * Discovery 1.0 section 4.3), so a misconfigured proxy cannot substitute another issuer's keys.
 */
final class KeyFetcher {
  static final int MAX_RESPONSE_BYTES = 512 * 1024;

  private final IssuerConfig config;
  private final HttpClient http;

  KeyFetcher(IssuerConfig config, Executor executor) {
    this.config = config;
    this.http = HttpClient.newBuilder()
        .connectTimeout(config.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor)
        .build();
  }

  CompletableFuture<JWKSet> fetch() {
    CompletableFuture<URI> jwksUri = config.jwksUri().isPresent()
        ? CompletableFuture.completedFuture(config.jwksUri().get())
        : getJson(config.discoveryUri()).thenApply(this::jwksUriFrom);
    return jwksUri.thenCompose(this::getJson).thenApply(json -> {
      try {
        JWKSet set = JWKSet.parse(json);
        if (set.getKeys().isEmpty()) {
          throw new KeyFetchException("the JWK set is empty");
        }
        return set;
      } catch (java.text.ParseException e) {
        throw new KeyFetchException("the JWK set is not valid JSON Web Key Set");
      }
    });
  }

  private URI jwksUriFrom(Map<String, Object> discovery) {
    Object issuer = discovery.get("issuer");
    if (!config.issuer().equals(issuer)) {
      throw new KeyFetchException("the discovery document names issuer '" + issuer
          + "', not '" + config.issuer() + "'");
    }
    if (!(discovery.get("jwks_uri") instanceof String text)) {
      throw new KeyFetchException("the discovery document has no jwks_uri");
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new KeyFetchException("the discovery document's jwks_uri is not a URL");
    }
    if (!IssuerConfig.isAllowedKeyUrl(uri)) {
      throw new KeyFetchException("the discovery document's jwks_uri is not https: " + uri);
    }
    return uri;
  }

  private CompletableFuture<Map<String, Object>> getJson(URI uri) {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(config.readTimeout())
        .header("Accept", "application/json")
        .GET()
        .build();
    Duration deadline = config.connectTimeout().plus(config.readTimeout());
    return http.sendAsync(request, info -> info.statusCode() == 200
            ? new CappedBody(MAX_RESPONSE_BYTES) : HttpResponse.BodySubscribers.replacing(null))
        .orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(response -> {
          if (response.statusCode() != 200) {
            throw new KeyFetchException("HTTP " + response.statusCode() + " from " + uri);
          }
          try {
            return JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
          } catch (java.text.ParseException e) {
            throw new KeyFetchException(uri + " did not return a JSON object");
          }
        })
        .exceptionally(e -> {
          Throwable cause = Futures.cause(e);
          if (cause instanceof KeyFetchException k) {
            throw k;
          }
          if (cause instanceof TimeoutException) {
            throw new KeyFetchException("no complete answer from " + uri + " within "
                + deadline.toMillis() + " ms");
          }
          throw new KeyFetchException("cannot reach " + uri + ": " + cause.getClass().getSimpleName());
        });
  }

  /**
   * Collects a response body without blocking a thread, and gives up as soon as it exceeds the
   * cap instead of buffering whatever a misbehaving endpoint sends.
   */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int cap;
    private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    CappedBody(int cap) {
      this.cap = cap;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer item : items) {
        if (buffer.size() + item.remaining() > cap) {
          subscription.cancel();
          result.completeExceptionally(new KeyFetchException("response exceeds " + cap + " bytes"));
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        buffer.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(buffer.toByteArray());
    }
  }

  /** Why keys could not be fetched; the message names the URL and the problem. */
  static final class KeyFetchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyFetchException(String message) {
      super(message, null, false, false);
    }
  }
}
