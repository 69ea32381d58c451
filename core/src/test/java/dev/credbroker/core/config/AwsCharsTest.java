package dev.credbroker.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written checks accept exactly what the documented regexes accept. */
class AwsCharsTest {
  private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
  private static final Pattern SOURCE_IDENTITY = Pattern.compile("[\\w+=,.@-]{2,64}");

  /** Every code point, one at a time, in the middle of an allowed value. */
  @Test
  void isTagText_agreesWithTheRegex_forEveryCodePoint() {
    for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
      String s = "a" + new String(Character.toChars(c)) + "b";
      assertEquals(TAG.matcher(s).matches(), AwsChars.isTagText(s), "U+" + Integer.toHexString(c));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "payments", "été ünïcødé", "a b\u2028c", "x\uD83D\uDE00",
      "lone \uD83D high", "lone \uDE00 low", "tab\there", "semi;colon", "\u0661\u0662"})
  void isTagText_agreesWithTheRegex(String s) {
    assertEquals(TAG.matcher(s).matches(), AwsChars.isTagText(s), s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "ab", "alice@example.com", "a b", "é-x",
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "plus+eq=comma,dot.at@dash-under_", "semi;", "\u0661\u0662"})
  void isSourceIdentity_agreesWithTheRegex(String s) {
    assertEquals(SOURCE_IDENTITY.matcher(s).matches(), AwsChars.isSourceIdentity(s), s);
  }

  @Test
  void isSourceIdentity_agreesWithTheRegex_forEveryBmpChar() {
    for (char c = 0; c < Character.MAX_VALUE; c++) {
      String s = "a" + c;
      assertEquals(SOURCE_IDENTITY.matcher(s).matches(), AwsChars.isSourceIdentity(s),
          "U+" + Integer.toHexString(c));
    }
  }
}
