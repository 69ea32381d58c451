package dev.credbroker.server.auth;

/**
 * Whether text is the one canonical unpadded base64url spelling of its bytes (RFC 7515 section 2,
 * RFC 4648 sections 3.5 and 5). Decoders ignore the unused low bits of a part's last character
 * (4 bits when the length is 2 mod 4, 2 bits when it is 3 mod 4), so without this check up to 16
 * strings decode to the same signature, and one token would have several hashes.
 */
final class CanonicalBase64Url {
  private CanonicalBase64Url() {}

  /** True for the canonical spelling of some bytes; the empty string is the spelling of none. */
  static boolean isCanonical(String s, int from, int to) {
    int length = to - from;
    if (length % 4 == 1) {
      return false; // six bits cannot end a byte
    }
    int last = 0;
    for (int i = from; i < to; i++) {
      last = value(s.charAt(i));
      if (last < 0) {
        return false;
      }
    }
    int unusedBits = switch (length % 4) {
      case 2 -> 4;
      case 3 -> 2;
      default -> 0;
    };
    return (last & ((1 << unusedBits) - 1)) == 0;
  }

  private static int value(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '-' ? 62 : c == '_' ? 63 : -1;
  }
}
