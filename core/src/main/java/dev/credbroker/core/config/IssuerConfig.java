package dev.credbroker.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One identity provider whose tokens the broker accepts. Everything that decides whether a token
 * is valid is explicit here: the exact issuer string, the audiences, the signing algorithms.
 * Keys are fetched over HTTPS only (plain HTTP is accepted for loopback, for tests and dev mode).
 */
public record IssuerConfig(
    String issuer,
    List<String> audiences,
    Set<String> algorithms,
    Duration clockSkew,
    Optional<Duration> maxTokenAge,
    Optional<String> requiredType,
    List<String> requiredClaims,
    Optional<URI> jwksUri,
    Duration jwksCacheTtl,
    Duration jwksMinRefetchInterval,
    Duration outageTolerance,
    Duration connectTimeout,
    Duration readTimeout,
    StartupCheck startupCheck) {

  /**
   * What a failed fetch of the issuer's discovery document and keys at start does: {@code warn}
   * logs it and starts (readiness stays false until the keys load), {@code fail} refuses to start,
   * {@code skip} does not fetch before the first token.
   */
  public enum StartupCheck { WARN, FAIL, SKIP }

  /** Asymmetric JWS algorithms (RFC 7518 section 3.1, RFC 8037). HMAC and none are never allowed. */
  public static final Set<String> SUPPORTED_ALGORITHMS = Set.of(
      "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  public IssuerConfig {
    audiences = List.copyOf(audiences);
    algorithms = Set.copyOf(algorithms);
    requiredClaims = List.copyOf(requiredClaims);
  }

  /** With the default start-up check ({@code warn}). */
  public IssuerConfig(String issuer, List<String> audiences, Set<String> algorithms,
      Duration clockSkew, Optional<Duration> maxTokenAge, Optional<String> requiredType,
      List<String> requiredClaims, Optional<URI> jwksUri, Duration jwksCacheTtl,
      Duration jwksMinRefetchInterval, Duration outageTolerance, Duration connectTimeout,
      Duration readTimeout) {
    this(issuer, audiences, algorithms, clockSkew, maxTokenAge, requiredType, requiredClaims,
        jwksUri, jwksCacheTtl, jwksMinRefetchInterval, outageTolerance, connectTimeout, readTimeout,
        StartupCheck.WARN);
  }

  static IssuerConfig read(ConfigNode n) throws ConfigException {
    String issuer = n.requiredString("issuer", "https://idp.example.com/realms/corp");
    URI issuerUri = httpsOrLoopback(n, "issuer", issuer);
    if (issuerUri.getQuery() != null || issuerUri.getFragment() != null) {
      throw new ConfigException(n.pathOf("issuer"), "must not have a query or fragment"
          + " (OpenID Connect Discovery 1.0 section 2)");
    }
    List<String> audiences = n.stringList("audiences");
    if (audiences.isEmpty()) {
      throw new ConfigException(n.pathOf("audiences"),
          "required; list the audiences this broker accepts, e.g. audiences: [credential-broker]");
    }
    List<String> algorithms = n.stringList("algorithms");
    for (int i = 0; i < algorithms.size(); i++) {
      String alg = algorithms.get(i);
      if (!SUPPORTED_ALGORITHMS.contains(alg)) {
        String why = alg.toUpperCase(Locale.ROOT).startsWith("HS") || "none".equalsIgnoreCase(alg)
            ? "symmetric and unsigned algorithms are never accepted" : "unknown algorithm";
        throw new ConfigException(n.pathOf("algorithms") + "[" + i + "]", why + ": "
            + ConfigNode.quote(alg) + "; choose from " + String.join(", ", SUPPORTED_ALGORITHMS.stream().sorted().toList()));
      }
    }
    Optional<URI> jwks = Optional.empty();
    Optional<String> jwksText = n.string("jwks_uri");
    if (jwksText.isPresent()) {
      jwks = Optional.of(httpsOrLoopback(n, "jwks_uri", jwksText.get()));
    }
    Duration day = Duration.ofDays(1);
    IssuerConfig config = new IssuerConfig(
        issuer,
        audiences,
        Set.copyOf(algorithms.isEmpty() ? List.of("RS256") : algorithms),
        n.duration("clock_skew", Duration.ZERO, MAX_CLOCK_SKEW).orElse(Duration.ofSeconds(60)),
        n.duration("max_token_age", Duration.ofMinutes(1), Duration.ofDays(30)),
        n.string("required_typ"),
        n.stringList("required_claims"),
        jwks,
        n.duration("jwks_cache_ttl", Duration.ofMinutes(1), day).orElse(Duration.ofMinutes(15)),
        n.duration("jwks_min_refetch_interval", Duration.ofSeconds(1), Duration.ofHours(1))
            .orElse(Duration.ofSeconds(30)),
        n.duration("outage_tolerance", Duration.ZERO, Duration.ofDays(7)).orElse(Duration.ofHours(6)),
        n.duration("connect_timeout", Duration.ofMillis(100), Duration.ofMinutes(1)).orElse(
            Duration.ofSeconds(2)),
        n.duration("read_timeout", Duration.ofMillis(100), Duration.ofMinutes(1)).orElse(
            Duration.ofSeconds(5)),
        n.enumValue("startup_check", StartupCheck.class).orElse(StartupCheck.WARN));
    n.rejectUnknownKeys();
    return config;
  }

  /** Discovery document location (OpenID Connect Discovery 1.0 section 4). */
  public URI discoveryUri() {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    return URI.create(base + "/.well-known/openid-configuration");
  }

  /** HTTPS, or HTTP to a loopback host; the same rule applies to URLs found by discovery. */
  public static boolean isAllowedKeyUrl(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null) {
      return false;
    }
    if ("https".equals(scheme)) {
      return true;
    }
    return "http".equals(scheme) && isLiteralLoopback(uri.getHost());
  }

  /**
   * 127.0.0.0/8, ::1 or "localhost", decided from the text alone: a name that merely resolves to
   * loopback today could resolve elsewhere tomorrow and receive key fetches in plaintext.
   */
  static boolean isLiteralLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|\\]$", "");
    return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  private static URI httpsOrLoopback(ConfigNode n, String key, String text) throws ConfigException {
    URI uri;
    try {
      uri = new URI(text);
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(n.pathOf(key), "not a URL: " + ConfigNode.quote(text));
    }
    if (!isAllowedKeyUrl(uri)) {
      throw new ConfigException(n.pathOf(key), "must be an https:// URL (http:// only for"
          + " loopback hosts), got " + ConfigNode.quote(text));
    }
    return uri;
  }
}
