package dev.credbroker.server.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 on a request, as AWS documents it ("Create a signed AWS API
 * request"), so the fakes reject what AWS would reject instead of trusting any caller.
 */
final class SigV4 {
  private static final Pattern AUTH = Pattern.compile(
      "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request,\\s*"
          + "SignedHeaders=([^,]+),\\s*Signature=([0-9a-f]{64})");

  private SigV4() {}

  /** The access key id that validly signed this request, or null. */
  static String verifiedKeyId(String method, String path, Map<String, List<String>> headers,
      byte[] body, Function<String, String> secretFor) {
    String authorization = first(headers, "authorization");
    String amzDate = first(headers, "x-amz-date");
    if (authorization == null || amzDate == null) {
      return null;
    }
    Matcher m = AUTH.matcher(authorization);
    if (!m.matches()) {
      return null;
    }
    String keyId = m.group(1);
    String secret = secretFor.apply(keyId);
    if (secret == null) {
      return null;
    }
    StringBuilder canonical = new StringBuilder().append(method).append('\n').append(path)
        .append("\n\n");
    for (String name : m.group(5).split(";")) {
      String value = first(headers, name);
      if (value == null) {
        return null;
      }
      canonical.append(name).append(':').append(value.strip().replaceAll(" +", " ")).append('\n');
    }
    canonical.append('\n').append(m.group(5)).append('\n').append(hex(sha256(body)));
    String scope = m.group(2) + "/" + m.group(3) + "/" + m.group(4) + "/aws4_request";
    String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
        + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), m.group(2));
    key = hmac(key, m.group(3));
    key = hmac(key, m.group(4));
    key = hmac(key, "aws4_request");
    String expected = hex(hmac(key, toSign));
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        m.group(6).getBytes(StandardCharsets.US_ASCII)) ? keyId : null;
  }

  static String first(Map<String, List<String>> headers, String name) {
    Map<String, List<String>> lower = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    lower.putAll(headers);
    List<String> values = lower.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : String.join(",", values);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
