package dev.credbroker.client.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.client.internal.Checks;
import dev.credbroker.client.internal.Targets;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Tokens from the identity provider's token endpoint with the OAuth 2.0 client credentials grant
 * (RFC 6749 section 4.4), authenticated by a client secret ({@code client_secret_basic} or
 * {@code client_secret_post}, section 2.3.1) or a signed assertion ({@code private_key_jwt}, RFC
 * 7523). A token is reused until {@code refreshBefore} ahead of its expiry; one request at a time.
 */
public final class OAuth2ClientCredentials implements TokenSource {
  private static final int MAX_RESPONSE_BYTES = 64 * 1024;

  /** How the client proves who it is to the token endpoint. */
  public enum AuthMethod { CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, PRIVATE_KEY_JWT }

  /** The token is printed redacted: a cached access token must never reach a log. */
  private record Cached(String token, Instant refreshAt) {
    @Override
    public String toString() {
      return "Cached[token=<redacted>, refreshAt=" + refreshAt + "]";
    }
  }

  private final URI endpoint;
  private final String clientId;
  private final AuthMethod method;
  private final Optional<String> secret;
  private final Optional<ClientAssertion> assertion;
  private final Map<String, String> parameters;
  private final Duration refreshBefore;
  private final Duration timeout;
  private final Clock clock;
  private final HttpClient http;
  private Cached cached;

  private OAuth2ClientCredentials(Builder b) {
    this.endpoint = b.endpoint;
    this.clientId = b.clientId;
    this.method = b.method;
    this.secret = Optional.ofNullable(b.secret);
    this.assertion = b.key == null ? Optional.empty() : Optional.of(new ClientAssertion(b.key, b.keyId));
    this.parameters = Map.copyOf(b.parameters);
    this.refreshBefore = b.refreshBefore;
    this.timeout = b.timeout;
    this.clock = b.clock;
    this.http = HttpClient.newBuilder().connectTimeout(b.timeout)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public synchronized String token() {
    Instant now = clock.instant();
    if (cached != null && now.isBefore(cached.refreshAt())) {
      return cached.token();
    }
    Map<String, Object> body = post(form(now));
    Object token = body.get("access_token");
    if (!(token instanceof String t) || t.isEmpty()) {
      throw new TokenException("the token endpoint answered without an access_token", true);
    }
    if (body.get("token_type") instanceof String type && !type.equalsIgnoreCase("bearer")) {
      throw new TokenException("the token endpoint issued a '" + Targets.abbreviate(type)
          + "' token; only bearer tokens are supported", false);
    }
    Duration lifetime = body.get("expires_in") instanceof Number n ? Duration.ofSeconds(n.longValue())
        : Duration.ofSeconds(60); // no lifetime given: reuse briefly, never for long
    Duration margin = refreshBefore.compareTo(lifetime.dividedBy(2)) < 0 ? refreshBefore : lifetime.dividedBy(2);
    cached = new Cached(Tokens.requireWellFormed(t, "the issued token"), now.plus(lifetime).minus(margin));
    return t;
  }

  private Map<String, String> form(Instant now) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.putAll(parameters);
    switch (method) {
      case CLIENT_SECRET_POST -> {
        form.put("client_id", clientId);
        form.put("client_secret", secret.orElseThrow());
      }
      case PRIVATE_KEY_JWT -> {
        form.put("client_id", clientId);
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.put("client_assertion", assertion.orElseThrow().sign(clientId, endpoint.toString(), now));
      }
      case CLIENT_SECRET_BASIC -> { }
    }
    return form;
  }

  private Map<String, Object> post(Map<String, String> form) {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"))));
    if (method == AuthMethod.CLIENT_SECRET_BASIC) {
      String pair = encode(clientId) + ":" + encode(secret.orElseThrow());
      request.header("Authorization", "Basic "
          + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<InputStream> response;
    String text;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        text = new String(in.readNBytes(MAX_RESPONSE_BYTES), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new TokenException("token endpoint " + endpoint.getHost() + " unreachable: "
          + e.getClass().getSimpleName(), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenException("interrupted while calling the token endpoint", true);
    }
    Map<String, Object> body;
    try {
      body = JSONObjectUtils.parse(text);
    } catch (java.text.ParseException e) {
      body = Map.of();
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return body;
    }
    // RFC 6749 section 5.2: "error" is a fixed code such as invalid_client; safe to show.
    String error = body.get("error") instanceof String s && s.matches("[\\x20-\\x7e]{1,64}") ? ": " + s : "";
    String answer = "token endpoint " + endpoint.getHost() + " answered HTTP " + status + error;
    throw status >= 500 || status == 429 ? new TokenException(answer, true) : new TokenUnavailableException(answer);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "OAuth2ClientCredentials[" + endpoint + ", client " + clientId + ", " + method + "]";
  }

  /** Settings; each may be set once, and {@link #build()} rejects incomplete or contradictory ones. */
  public static final class Builder {
    private URI endpoint;
    private String clientId;
    private AuthMethod method;
    private String secret;
    private PrivateKey key;
    private Optional<String> keyId = Optional.empty();
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private Duration refreshBefore = Duration.ofSeconds(60);
    private Duration timeout = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The token endpoint; https, or http only to a loopback host. */
    public Builder tokenEndpoint(URI uri) {
      requireUnset(endpoint, "tokenEndpoint");
      String scheme = Objects.requireNonNull(uri, "uri").getScheme();
      if (!"https".equals(scheme) && !("http".equals(scheme) && uri.getHost() != null
          && Targets.isLoopbackHost(uri.getHost()))) {
        throw new IllegalArgumentException("the token endpoint must be https:// (http:// only for"
            + " loopback), got " + uri.getScheme() + "://" + uri.getHost());
      }
      this.endpoint = uri;
      return this;
    }

    public Builder clientId(String id) {
      requireUnset(clientId, "clientId");
      this.clientId = Objects.requireNonNull(id, "id");
      return this;
    }

    /** A client secret, sent as HTTP Basic (the default) or in the form body. */
    public Builder clientSecret(String clientSecret, AuthMethod how) {
      requireUnset(method, "the client authentication");
      if (how == AuthMethod.PRIVATE_KEY_JWT) {
        throw new IllegalArgumentException("private_key_jwt needs privateKey(...), not a secret");
      }
      this.secret = Objects.requireNonNull(clientSecret, "clientSecret");
      this.method = Objects.requireNonNull(how, "how");
      return this;
    }

    public Builder clientSecret(String clientSecret) {
      return clientSecret(clientSecret, AuthMethod.CLIENT_SECRET_BASIC);
    }

    /** {@code private_key_jwt}: the client's RSA or EC key and the key id the IdP knows (or null). */
    public Builder privateKey(PrivateKey privateKey, String keyIdOrNull) {
      requireUnset(method, "the client authentication");
      this.key = Objects.requireNonNull(privateKey, "privateKey");
      this.keyId = Optional.ofNullable(keyIdOrNull);
      this.method = AuthMethod.PRIVATE_KEY_JWT;
      return this;
    }

    /** Space-separated scopes to request. */
    public Builder scope(String scope) {
      return parameter("scope", scope);
    }

    /** The {@code audience} parameter some IdPs (Auth0, Keycloak token exchange) expect. */
    public Builder audience(String audience) {
      return parameter("audience", audience);
    }

    private Builder parameter(String name, String value) {
      if (parameters.putIfAbsent(name, Objects.requireNonNull(value, name)) != null) {
        throw new IllegalStateException(name + " is already set");
      }
      return this;
    }

    /** Fetch a new token this long before the current one expires (default 60s). */
    public Builder refreshBefore(Duration d) {
      this.refreshBefore = Checks.positive(d, "refreshBefore");
      return this;
    }

    /** Connect and response timeout of the token request (default 10s). */
    public Builder timeout(Duration d) {
      this.timeout = Checks.positive(d, "timeout");
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    public OAuth2ClientCredentials build() {
      if (endpoint == null || clientId == null || method == null) {
        throw new IllegalStateException("tokenEndpoint, clientId and a client secret or private key are required");
      }
      return new OAuth2ClientCredentials(this);
    }

    private static void requireUnset(Object field, String name) {
      if (field != null) {
        throw new IllegalStateException(name + " is already set");
      }
    }
  }
}
