package dev.credbroker.server.auth;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.core.audit.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * What a refused token claimed, read without verifying anything: its header's {@code kid} and its
 * payload's {@code iss} and {@code sub}, so the audit record of a refusal shows who someone tried
 * to be. Only for the record of a token already refused: nothing here is ever trusted. Values that
 * are not strings are left out; the token was bounded by {@link BearerToken} ({@value
 * TokenVerifier#MAX_TOKEN_CHARS} characters) and each value is cut by {@link
 * AuditEvent.Unverified}. The signature is never read.
 */
public final class UnverifiedClaims {
  private UnverifiedClaims() {}

  /** Empty for anything that is not a compact JWS with a JSON header and payload. */
  public static Optional<AuditEvent.Unverified> of(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0 || token.length() > TokenVerifier.MAX_TOKEN_CHARS) {
      return Optional.empty();
    }
    Map<String, Object> header = json(token.substring(0, first));
    Map<String, Object> payload = json(token.substring(first + 1, second));
    return AuditEvent.Unverified.of(text(payload, "iss"), text(payload, "sub"),
        text(header, "kid"));
  }

  private static Map<String, Object> json(String part) {
    try {
      return JSONObjectUtils.parse(new String(Base64.getUrlDecoder().decode(part),
          StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | ParseException e) {
      return Map.of(); // not base64url, or not a JSON object
    }
  }

  private static String text(Map<String, Object> m, String key) {
    return m.get(key) instanceof String s ? s : "";
  }
}
