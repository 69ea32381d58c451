package dev.credbroker.server.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * An STS endpoint on loopback for tests: the Query protocol (form POST, 2011-06-15) with
 * AssumeRole and GetCallerIdentity, SigV4-verified, parameters validated as the STS API reference
 * documents them, the documented XML, unique credentials with the requested expiry, and faults on
 * demand (latency, chosen errors, outage). Counts calls per action.
 */
public final class FakeSts implements AutoCloseable {
  public static final String ACCOUNT = "123456789012";
  public static final String BROKER_KEY_ID = "AKIABROKERTESTKEY000";
  public static final String BROKER_SECRET = "broker-test-secret-key-0000000000000000";
  private static final Pattern ROLE_ARN = Pattern.compile("arn:aws:iam::(\\d{12}):role/([\\w+=,.@/-]{1,64})");
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final Pattern SOURCE_IDENTITY = Pattern.compile("[\\w+=,.@-]{2,64}");

  private LoopbackHttp http;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Minted> minted = new ConcurrentHashMap<>();
  private final FaultPlan faults = new FaultPlan();
  private final List<Map<String, String>> assumeRoleRequests = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile Duration maxSessionDuration = Duration.ofHours(12);
  private final java.util.Set<String> trustedIssuers = ConcurrentHashMap.newKeySet();

  /** A credential this fake minted: its secret, session token, expiry and assumed-role ARN. */
  public record Minted(String secret, String sessionToken, Instant expiration, String arn) {}

  private FakeSts(Clock clock) {
    this.clock = clock;
  }

  public static FakeSts start(Clock clock) throws IOException {
    FakeSts sts = new FakeSts(clock);
    sts.http = LoopbackHttp.start(sts::handle);
    return sts;
  }

  public URI endpoint() {
    return http.endpoint();
  }

  /** The next {@code times} calls fail with this HTTP status and AWS error code. */
  public void failNext(int times, int status, String code) {
    faults.failNext(times, status, code);
  }

  public void latency(Duration d) {
    faults.latency(d);
  }

  /** Like IAM's MaxSessionDuration of the roles (default 12h). */
  public void maxSessionDuration(Duration d) {
    maxSessionDuration = d;
  }

  /** Web identity tokens from this issuer are trusted (as an IAM OIDC provider would be). */
  public void trustIssuer(String issuer) {
    trustedIssuers.add(issuer);
  }

  public int calls(String action) {
    return faults.calls(action);
  }

  public List<Map<String, String>> assumeRoleRequests() {
    synchronized (assumeRoleRequests) {
      return List.copyOf(assumeRoleRequests);
    }
  }

  public Minted minted(String accessKeyId) {
    return minted.get(accessKeyId);
  }

  /** Every credential minted so far, for scans that must not find them. */
  public List<Minted> allMinted() {
    return List.copyOf(minted.values());
  }

  @Override
  public void close() {
    http.close();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      Map<String, String> form = parseForm(new String(body, StandardCharsets.UTF_8));
      String action = form.getOrDefault("Action", "");
      FaultPlan.Fault fault = faults.onCall(action);
      if (fault != null) {
        error(ex, fault.status(), fault.code(), "injected fault");
        return;
      }
      if (!"POST".equals(ex.getRequestMethod()) || !"2011-06-15".equals(form.get("Version"))) {
        error(ex, 400, "InvalidAction", "expected a POST with Version=2011-06-15");
        return;
      }
      if ("AssumeRoleWithWebIdentity".equals(action)) {
        assumeRoleWithWebIdentity(ex, form); // authenticated by the token, sent unsigned
        return;
      }
      String keyId = SigV4.verifiedKeyId("POST", ex.getRequestURI().getRawPath(),
          ex.getRequestHeaders(), body, this::secretFor);
      if (keyId == null) {
        error(ex, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match");
        return;
      }
      Minted caller = minted.get(keyId);
      if (caller != null) {
        String token = SigV4.first(ex.getRequestHeaders(), "x-amz-security-token");
        if (!caller.sessionToken().equals(token)) {
          error(ex, 403, "InvalidClientTokenId", "The security token included in the request is invalid");
          return;
        }
        if (!clock.instant().isBefore(caller.expiration())) {
          error(ex, 403, "ExpiredToken", "The security token included in the request is expired");
          return;
        }
      }
      switch (action) {
        case "AssumeRole" -> assumeRole(ex, form);
        case "GetCallerIdentity" -> ok(ex, "GetCallerIdentity",
            "<Arn>" + (caller != null ? caller.arn() : "arn:aws:iam::" + ACCOUNT + ":user/broker")
                + "</Arn><UserId>AIDTEST</UserId><Account>" + ACCOUNT + "</Account>");
        default -> error(ex, 400, "InvalidAction", "Could not find operation " + action);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void assumeRole(HttpExchange ex, Map<String, String> f) throws IOException {
    assumeRoleRequests.add(Map.copyOf(f));
    String arn = f.getOrDefault("RoleArn", "");
    var roleMatch = ROLE_ARN.matcher(arn);
    String session = f.getOrDefault("RoleSessionName", "");
    int seconds = Integer.parseInt(f.getOrDefault("DurationSeconds", "3600"));
    List<String> problems = new ArrayList<>();
    if (!roleMatch.matches()) {
      problems.add("Value '" + arn + "' at 'roleArn' failed to satisfy constraint");
    }
    if (!SESSION_NAME.matcher(session).matches()) {
      problems.add("Value '" + session + "' at 'roleSessionName' failed to satisfy constraint:"
          + " Member must satisfy regular expression pattern: [\\w+=,.@-]*");
    }
    if (seconds < 900 || seconds > 43200) {
      problems.add("Value '" + seconds + "' at 'durationSeconds' failed to satisfy constraint");
    }
    if (f.containsKey("SourceIdentity") && !SOURCE_IDENTITY.matcher(f.get("SourceIdentity")).matches()) {
      problems.add("Value at 'sourceIdentity' failed to satisfy constraint");
    }
    int tags = 0;
    int packed = f.getOrDefault("Policy", "").length();
    while (f.containsKey("Tags.member." + (tags + 1) + ".Key")) {
      tags++;
      String key = f.get("Tags.member." + tags + ".Key");
      String value = f.getOrDefault("Tags.member." + tags + ".Value", "");
      packed += key.length() + value.length();
      if (key.length() > 128 || value.length() > 256) {
        problems.add("Tag " + tags + " exceeds the key/value length limits");
      }
    }
    if (tags > 50) {
      problems.add("Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
    }
    if (!problems.isEmpty()) {
      error(ex, 400, "ValidationError", problems.size() + " validation error detected: " + problems.get(0));
      return;
    }
    if (f.containsKey("Policy") && !isJsonObject(f.get("Policy"))) {
      error(ex, 400, "MalformedPolicyDocument", "The policy is not in the valid JSON format.");
      return;
    }
    if (packed > 2048) {
      error(ex, 400, "PackedPolicyTooLarge", "Packed policy consumes more than 100% of the allotted space");
      return;
    }
    if (Duration.ofSeconds(seconds).compareTo(maxSessionDuration) > 0) {
      error(ex, 400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
      return;
    }
    ok(ex, "AssumeRole", (f.containsKey("SourceIdentity") ? "<SourceIdentity>" + xml(f.get("SourceIdentity"))
        + "</SourceIdentity>" : "") + mintXml(roleMatch, session, seconds)
        + "<PackedPolicySize>" + Math.min(100, packed / 20) + "</PackedPolicySize>");
  }

  private static boolean isJsonObject(String text) {
    try {
      com.nimbusds.jose.util.JSONObjectUtils.parse(text);
      return true;
    } catch (java.text.ParseException e) {
      return false;
    }
  }

  private void assumeRoleWithWebIdentity(HttpExchange ex, Map<String, String> f) throws IOException {
    assumeRoleRequests.add(Map.copyOf(f));
    String token = f.getOrDefault("WebIdentityToken", "");
    Map<String, Object> claims;
    try {
      claims = com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet().getClaims();
    } catch (java.text.ParseException | RuntimeException e) {
      error(ex, 400, "InvalidIdentityToken", "The web identity token that was passed could not be parsed");
      return;
    }
    Object iss = claims.get("iss");
    if (!trustedIssuers.contains(String.valueOf(iss))) {
      error(ex, 400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for " + iss);
      return;
    }
    if (!(claims.get("exp") instanceof java.util.Date exp) || !clock.instant().isBefore(exp.toInstant())) {
      error(ex, 400, "ExpiredTokenException", "Token is expired");
      return;
    }
    var roleMatch = ROLE_ARN.matcher(f.getOrDefault("RoleArn", ""));
    String session = f.getOrDefault("RoleSessionName", "");
    int seconds = Integer.parseInt(f.getOrDefault("DurationSeconds", "3600"));
    if (!roleMatch.matches() || !SESSION_NAME.matcher(session).matches() || seconds < 900 || seconds > 43200) {
      error(ex, 400, "ValidationError", "1 validation error detected: RoleArn, RoleSessionName or DurationSeconds");
      return;
    }
    ok(ex, "AssumeRoleWithWebIdentity", "<SubjectFromWebIdentityToken>" + xml(String.valueOf(claims.get("sub")))
        + "</SubjectFromWebIdentityToken><Audience>" + xml(String.valueOf(claims.get("aud")))
        + "</Audience>" + mintXml(roleMatch, session, seconds)
        + "<Provider>" + xml(String.valueOf(iss)) + "</Provider>");
  }

  /** Mints unique credentials for the role and session; returns AssumedRoleUser and Credentials XML. */
  private String mintXml(java.util.regex.Matcher role, String session, int seconds) {
    String keyId = "ASIA" + randomText(16).toUpperCase(java.util.Locale.ROOT);
    Instant expiration = clock.instant().plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS);
    String assumed = "arn:aws:sts::" + role.group(1) + ":assumed-role/" + role.group(2) + "/" + session;
    Minted m = new Minted(randomText(40), "FwoG" + randomText(120), expiration, assumed);
    minted.put(keyId, m);
    return "<AssumedRoleUser><Arn>" + xml(assumed) + "</Arn><AssumedRoleId>AROATEST:" + xml(session)
        + "</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>" + keyId
        + "</AccessKeyId><SecretAccessKey>" + m.secret() + "</SecretAccessKey><SessionToken>"
        + m.sessionToken() + "</SessionToken><Expiration>" + expiration + "</Expiration></Credentials>";
  }

  private String secretFor(String keyId) {
    if (BROKER_KEY_ID.equals(keyId)) {
      return BROKER_SECRET;
    }
    Minted m = minted.get(keyId);
    return m == null ? null : m.secret();
  }

  private static void ok(HttpExchange ex, String action, String result) throws IOException {
    send(ex, 200, "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + action
        + "Result>" + result + "</" + action + "Result><ResponseMetadata><RequestId>" + UUID.randomUUID()
        + "</RequestId></ResponseMetadata></" + action + "Response>");
  }

  private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
    send(ex, status, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>"
        + (status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + code + "</Code><Message>"
        + xml(message) + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>");
  }

  private static void send(HttpExchange ex, int status, String xml) throws IOException {
    LoopbackHttp.send(ex, status, "text/xml", xml);
  }

  private static Map<String, String> parseForm(String body) {
    Map<String, String> out = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private String randomText(int n) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
