package dev.credbroker.core.config;

/**
 * The character sets AWS allows in session tags and source identities, checked by hand: a role's
 * tags are resolved from claims on every request, and a regex match per tag cost more than the
 * rest of the policy decision.
 */
public final class AwsChars {
  private AwsChars() {}

  /**
   * Whether {@code s} holds only what AWS allows in tag keys and values: letters, spaces, digits
   * (Unicode) and {@code _.:/=+-@}; the regex {@code [\p{L}\p{Z}\p{N}_.:/=+\-@]*} (IAM User Guide,
   * "Tagging IAM resources").
   */
  public static boolean isTagText(String s) {
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      if (!tagChar(c)) {
        return false;
      }
      i += Character.charCount(c);
    }
    return true;
  }

  /**
   * Whether {@code s} fits STS's SourceIdentity, {@code [\w+=,.@-]{2,64}} (AssumeRole API
   * reference), {@code \w} being ASCII letters, digits and underscore.
   */
  public static boolean isSourceIdentity(String s) {
    if (s.length() < 2 || s.length() > 64) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isStsNameChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code c} is one of STS's name characters, {@code [\w+=,.@-]} with {@code \w} ASCII:
   * what role session names and source identities may hold (AssumeRole API reference).
   */
  public static boolean isStsNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
  }

  private static boolean tagChar(int c) {
    if (c < 0x80) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == ' ' || c == '_' || c == '.' || c == ':' || c == '/' || c == '=' || c == '+'
          || c == '-' || c == '@';
    }
    return switch (Character.getType(c)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER, Character.OTHER_LETTER, // \p{L}
          Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR, // \p{Z}
          Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER,
          Character.OTHER_NUMBER -> true; // \p{N}
      default -> false;
    };
  }
}
