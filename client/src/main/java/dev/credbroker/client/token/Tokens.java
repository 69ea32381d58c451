package dev.credbroker.client.token;

/** Checks shared by the token sources. */
final class Tokens {
  private Tokens() {}

  /**
   * A token must be a non-empty run of visible ASCII, the characters an HTTP/2 header value may
   * carry; anything else is refused here instead of corrupting the request.
   */
  static String requireWellFormed(String token, String what) {
    if (token.isEmpty()) {
      throw new TokenUnavailableException(what + " is empty");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new TokenUnavailableException(what + " contains whitespace or non-ASCII characters");
      }
    }
    return token;
  }
}
