package dev.credbroker.server.auth;

import dev.credbroker.server.auth.AuthenticationException.Reason;
import java.util.List;
import java.util.regex.Pattern;

/** Extracts the token from {@code Authorization: Bearer <token>} (RFC 6750 section 2.1). */
public final class BearerToken {
  /** b64token from RFC 6750; a JWT uses a subset of it. */
  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

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
    if (!B64TOKEN.matcher(token).matches()) {
      throw new AuthenticationException(Reason.MALFORMED,
          "bearer token contains characters a JWT cannot contain");
    }
    return token;
  }
}
