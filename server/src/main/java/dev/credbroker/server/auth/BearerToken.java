package dev.credbroker.server.auth;

import dev.credbroker.server.auth.AuthenticationException.Reason;
import java.util.List;

/** Extracts the token from {@code Authorization: Bearer <token>} (RFC 6750 section 2.1). */
public final class BearerToken {

  private BearerToken() {}

  /** The token from the given header values; throws with a safe reason if there is none. */
  public static String fromAuthorization(List<String> headerValues) throws AuthenticationException {
    if (headerValues == null || headerValues.isEmpty()) {
      throw new AuthenticationException(Reason.MISSING_TOKEN,
          "missing bearer token; send metadata 'authorization: Bearer <JWT>'");
    }
    if (headerValues.size() > 1) {
      throw new AuthenticationException(Reason.MALFORMED, "more than one authorization header");
    }
    String value = headerValues.get(0).strip();
    if (value.equalsIgnoreCase("Bearer")) {
      throw new AuthenticationException(Reason.MISSING_TOKEN, "empty bearer token");
    }
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
      throw new AuthenticationException(Reason.MALFORMED,
          "authorization metadata must be 'Bearer <JWT>'");
    }
    String token = value.substring(space + 1).strip();
    if (token.isEmpty()) {
      throw new AuthenticationException(Reason.MISSING_TOKEN, "empty bearer token");
    }
    if (token.length() > TokenVerifier.MAX_TOKEN_CHARS) {
      throw new AuthenticationException(Reason.MALFORMED,
          "token longer than " + TokenVerifier.MAX_TOKEN_CHARS + " characters");
    }
    if (!isB64Token(token)) {
      throw new AuthenticationException(Reason.MALFORMED,
          "bearer token contains characters a JWT cannot contain");
    }
    return token;
  }

  /** b64token from RFC 6750 ({@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}). */
  private static boolean isB64Token(String s) {
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
      if (!ok) {
        break;
      }
      i++;
    }
    if (i == 0) {
      return false;
    }
    while (i < s.length() && s.charAt(i) == '=') {
      i++;
    }
    return i == s.length();
  }
}
