package dev.credbroker.server.devaws;

import dev.credbroker.core.digest.Sha256;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks AWS Signature Version 4 on a request as AWS documents it ("Create a signed AWS API
 * request", "Elements of an AWS API request signature"): the canonical request over the signed
 * headers and the body's SHA-256, the credential scope's date and service, a request time within
 * 15 minutes, and the signature compared in constant time. So the development endpoint refuses
 * what AWS would refuse instead of trusting any caller.
 */
final class SigV4Verifier {
  static final Duration MAX_SKEW = Duration.ofMinutes(15);
  private static final Pattern AUTHORIZATION = Pattern.compile(
      "AWS4-HMAC-SHA256 Credential=([A-Za-z0-9]{16,128})/(\\d{8})/([a-z0-9-]{1,32})/([a-z0-9-]{1,32})"
          + "/aws4_request,\\s*SignedHeaders=([a-z0-9;-]{1,1024}),\\s*Signature=([0-9a-f]{64})");
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Clock clock;

  SigV4Verifier(Clock clock) {
    this.clock = clock;
  }

  /**
   * The service a request's signature is scoped to ({@code sts}, {@code iam}, ...), read without
   * verifying it: it only routes the request to the protocol that then verifies it for itself.
   */
  static Optional<String> scopedService(SignedRequest request) {
    return request.header().apply("authorization").map(AUTHORIZATION::matcher)
        .filter(Matcher::lookingAt).map(m -> m.group(4));
  }

  /** A request as the verifier needs it: headers looked up case-insensitively. */
  record SignedRequest(String method, URI uri, Function<String, Optional<String>> header,
      byte[] body) {}

  /**
   * The access key that validly signed {@code request} for {@code service}.
   *
   * @throws AwsRefusal with the code AWS answers for this kind of bad signature
   */
  AccessKey verify(SignedRequest request, String service,
      Function<String, Optional<AccessKey>> keys) throws AwsRefusal {
    String authorization = request.header().apply("authorization").orElseThrow(() ->
        new AwsRefusal(403, "MissingAuthenticationToken", "Request is missing Authentication Token"));
    Matcher m = AUTHORIZATION.matcher(authorization);
    if (!m.matches()) {
      throw new AwsRefusal(403, "IncompleteSignature", "Authorization header requires"
          + " 'Credential', 'SignedHeaders' and 'Signature' with AWS4-HMAC-SHA256.");
    }
    String amzDate = request.header().apply("x-amz-date").orElseThrow(() -> new AwsRefusal(403,
        "IncompleteSignature", "Authorization header requires existence of the X-Amz-Date header."));
    checkTime(amzDate, m.group(2));
    if (!service.equals(m.group(4))) {
      throw new AwsRefusal(403, "SignatureDoesNotMatch", "Credential should be scoped to correct"
          + " service: '" + service + "'.");
    }
    List<String> signedHeaders = Arrays.asList(m.group(5).split(";"));
    if (!signedHeaders.contains("host")) {
      throw new AwsRefusal(403, "SignatureDoesNotMatch", "'Host' must be a signed header.");
    }
    AccessKey key = keys.apply(m.group(1)).orElseThrow(() -> new AwsRefusal(403,
        "InvalidClientTokenId", "The security token included in the request is invalid."));
    String canonical = canonicalRequest(request, signedHeaders);
    String scope = m.group(2) + "/" + m.group(3) + "/" + m.group(4) + "/aws4_request";
    String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
        + hex(Sha256.of(canonical));
    byte[] signingKey = hmac(("AWS4" + key.secret()).getBytes(StandardCharsets.UTF_8), m.group(2));
    signingKey = hmac(signingKey, m.group(3));
    signingKey = hmac(signingKey, m.group(4));
    signingKey = hmac(signingKey, "aws4_request");
    byte[] expected = hex(hmac(signingKey, toSign)).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, m.group(6).getBytes(StandardCharsets.US_ASCII))) {
      throw new AwsRefusal(403, "SignatureDoesNotMatch", "The request signature we calculated"
          + " does not match the signature you provided. Check your AWS Secret Access Key and"
          + " signing method.");
    }
    return key;
  }

  private void checkTime(String amzDate, String scopeDate) throws AwsRefusal {
    Instant signedAt;
    try {
      signedAt = AMZ_DATE.parse(amzDate, Instant::from);
    } catch (DateTimeParseException e) {
      throw new AwsRefusal(403, "IncompleteSignature", "X-Amz-Date must be in the ISO8601 basic"
          + " format yyyyMMdd'T'HHmmss'Z'.");
    }
    if (!amzDate.startsWith(scopeDate)) {
      throw new AwsRefusal(403, "SignatureDoesNotMatch", "Date in Credential scope does not match"
          + " YYYYMMDD from ISO-8601 version of date from HTTP.");
    }
    Instant now = clock.instant();
    if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
      throw new AwsRefusal(403, "SignatureDoesNotMatch", "Signature expired: " + amzDate
          + " is now earlier or later than the allowed 15 minutes from " + AMZ_DATE.format(now));
    }
  }

  private static String canonicalRequest(SignedRequest request, List<String> signedHeaders)
      throws AwsRefusal {
    StringBuilder c = new StringBuilder().append(request.method()).append('\n')
        .append(request.uri().getRawPath().isEmpty() ? "/" : request.uri().getRawPath())
        .append('\n').append(canonicalQuery(request.uri().getRawQuery())).append('\n');
    for (String name : signedHeaders) {
      String value = request.header().apply(name).orElseThrow(() -> new AwsRefusal(403,
          "SignatureDoesNotMatch", "Signed header '" + name + "' is missing."));
      c.append(name).append(':').append(value.strip().replaceAll(" +", " ")).append('\n');
    }
    return c.append('\n').append(String.join(";", signedHeaders)).append('\n')
        .append(hex(Sha256.of(request.body()))).toString();
  }

  /** The raw query's parameters sorted by name then value (they arrive already URI-encoded). */
  private static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    return Arrays.stream(rawQuery.split("&"))
        .map(p -> p.contains("=") ? p : p + "=")
        .sorted()
        .reduce((a, b) -> a + "&" + b).orElse("");
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every Java runtime", e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
