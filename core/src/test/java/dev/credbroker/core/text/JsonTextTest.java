package dev.credbroker.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTextTest {
  private static String quoted(String s) {
    StringBuilder out = new StringBuilder();
    JsonText.quote(out, s);
    return out.toString();
  }

  /** Plain text takes the bulk path; anything escapable the careful one; both must round-trip. */
  @ParameterizedTest
  @ValueSource(strings = {"", "svc-payments", "arn:aws:iam::123456789012:role/x", "quote\"d",
      "back\\slash", "line\nbreak\r\ttab", "nul\u0000bell\u0007", "sep\u2028para\u2029",
      "emoji \uD83D\uDE00 ok", "été ünïcødé"})
  void quote_roundTripsThroughAJsonParser(String s) throws Exception {
    assertEquals(s, JSONObjectUtils.parse("{\"k\":" + quoted(s) + "}").get("k"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"lone \uD83D high", "lone \uDE00 low", "\u2028"})
  void quote_escapesWhatWouldBreakALineOrUtf8(String s) {
    String q = quoted(s);
    assertEquals(q, new String(q.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.UTF_8), "not valid UTF-8 once encoded");
    assertEquals(-1, q.indexOf('\u2028'));
    assertEquals(true, q.contains("\\u"), q);
  }

  @Test
  void value_writesClaimShapedValues() throws Exception {
    StringBuilder out = new StringBuilder();
    JsonText.value(out, Map.of("groups", List.of("a", "b\"c"), "n", 3L, "ok", true));
    Map<String, Object> parsed = JSONObjectUtils.parse(out.toString());
    assertEquals(List.of("a", "b\"c"), parsed.get("groups"));
    assertEquals(3L, ((Number) parsed.get("n")).longValue());
    assertEquals(true, parsed.get("ok"));
  }
}
