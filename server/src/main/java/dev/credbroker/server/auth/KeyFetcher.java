package dev.credbroker.server.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.server.config.IssuerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

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
  private final Executor executor;

  KeyFetcher(IssuerConfig config, Executor executor) {
    this.config = config;
    this.executor = executor;
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
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
        .thenApplyAsync(response -> {
          try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
              throw new KeyFetchException("HTTP " + response.statusCode() + " from " + uri);
            }
            byte[] bytes = body.readNBytes(MAX_RESPONSE_BYTES + 1);
            if (bytes.length > MAX_RESPONSE_BYTES) {
              throw new KeyFetchException("response from " + uri + " exceeds "
                  + MAX_RESPONSE_BYTES + " bytes");
            }
            return JSONObjectUtils.parse(new String(bytes, StandardCharsets.UTF_8));
          } catch (IOException e) {
            throw new KeyFetchException("reading " + uri + " failed: " + e.getClass().getSimpleName());
          } catch (java.text.ParseException e) {
            throw new KeyFetchException(uri + " did not return a JSON object");
          }
        }, executor)
        .exceptionally(e -> {
          Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (cause instanceof KeyFetchException k) {
            throw k;
          }
          throw new KeyFetchException("cannot reach " + uri + ": " + cause.getClass().getSimpleName());
        });
  }

  /** Why keys could not be fetched; the message names the URL and the problem. */
  static final class KeyFetchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyFetchException(String message) {
      super(message, null, false, false);
    }
  }
}
