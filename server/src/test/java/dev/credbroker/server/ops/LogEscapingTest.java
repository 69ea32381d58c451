package dev.credbroker.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile text against the log's escaping: whatever a caller or AWS puts in a message or an
 * exception, the text log gets one line per event (stack-trace lines indented), the JSON log one
 * parseable object per line, and neither carries a control character, a line separator, a
 * terminal escape or an unbounded value.
 */
class LogEscapingTest {
  private static final String FORGED = "2026-01-01 ERROR forged line";
  private static final List<String> CORPUS = List.of(
      "\n" + FORGED, "\r" + FORGED, "\r\n" + FORGED, "\u2028" + FORGED, "\u2029" + FORGED,
      "\u0085" + FORGED, "\u000b\u000c" + FORGED, "\u001b[2K\u001b[1G" + FORGED,
      "\u009b2J" + FORGED, "\u001b]0;title\u0007", "\u202e" + FORGED + "\u202c",
      "\u2066x\u2069\u200f\u061c", "\ud800" + FORGED, FORGED + "\udc00", "\u0000\u007f",
      "%n" + FORGED, "{}\n{}", "${jndi:ldap://127.0.0.1/x}\n", "\\n" + FORGED,
      "x".repeat(1_000_000) + "\n" + FORGED, "\n".repeat(10_000));
  private final ch.qos.logback.classic.Logger logger =
      new LoggerContext().getLogger("dev.credbroker.server.cache.SecretCache");

  @Property(tries = 500)
  void escaped_hasNoUnsafeCharacterAndIsBounded(@ForAll("hostile") String s) {
    String e = LogText.escape(s, 300);
    assertSafe(e);
    assertTrue(e.length() <= 300 * 6 + 32, () -> "length " + e.length());
  }

  @Property(tries = 300)
  void plainText_isLeftAsItIs(@ForAll("plain") String s) {
    assertEquals(s, LogText.escape(s));
  }

  @Property(tries = 300)
  void textLayout_writesOneLinePerEventAndIndentsStackTraces(@ForAll("hostile") String message,
      @ForAll("hostile") String error) {
    assertOneTextEvent(message, error);
  }

  @Property(tries = 300)
  void jsonLayout_writesOneParseableObjectPerEvent(@ForAll("hostile") String message,
      @ForAll("hostile") String error) throws Exception {
    assertOneJsonEvent(message, error);
  }

  @Example
  void corpus_neverForgesALineInEitherFormat() throws Exception {
    for (String s : CORPUS) {
      assertSafe(LogText.escape(s));
      assertOneTextEvent(s, s);
      assertOneJsonEvent(s, s);
    }
  }

  @Example
  void longValues_areCutAndSayHowMuchWasLeftOut() {
    String cut = LogText.escape("a".repeat(5000));
    assertEquals("a".repeat(LogText.MAX_MESSAGE) + "...[904 more chars]", cut);
    assertEquals("ab...[2 more chars]", LogText.escape("ab\ud83d\ude00", 3), "no half pair");
    assertEquals("stage X\\n2026 \\u001b[2K \\u2028", LogText.escape("stage X\n2026 \u001b[2K \u2028"));
  }

  private void assertOneTextEvent(String message, String error) {
    String out = render(new TextLogLayout(), message, error);
    String[] lines = out.split("\n", -1);
    assertTrue(lines[0].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN  "
        + "SecretCache - .*"), lines[0]);
    assertEquals("", lines[lines.length - 1], "ends with a line break");
    for (int i = 1; i < lines.length - 1; i++) {
      String line = lines[i];
      assertTrue(line.startsWith("\t") || line.startsWith("Caused by: ")
          || i == 1 && line.startsWith(IllegalStateException.class.getName() + ": "),
          () -> "a line of its own: " + line);
    }
    assertSafe(out.replace("\n", "").replace("\t", ""));
  }

  private void assertOneJsonEvent(String message, String error) throws Exception {
    String out = render(new JsonLogLayout(), message, error);
    assertTrue(out.endsWith("}\n"));
    assertSafe(out.substring(0, out.length() - 1));
    Map<String, Object> json = JSONObjectUtils.parse(out);
    assertSafe((String) json.get("message"));
    assertSafe((String) json.get("error"));
    assertTrue(((String) json.get("message")).length() <= LogText.MAX_MESSAGE * 6 + 32);
  }

  private String render(ch.qos.logback.core.LayoutBase<ILoggingEvent> layout, String message,
      String error) {
    Exception e = new IllegalStateException(error, new RuntimeException(error));
    LoggingEvent event = new LoggingEvent(getClass().getName(), logger, Level.WARN,
        "re-reading secret {} failed: {}", e, new Object[] {message, message});
    layout.setContext(logger.getLoggerContext());
    layout.start();
    return layout.doLayout(event);
  }

  private static void assertSafe(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int at = i;
      assertFalse(LogText.unsafe(c), () -> String.format("U+%04X at %d", (int) c, at));
      if (Character.isHighSurrogate(c)) {
        assertTrue(i + 1 < s.length() && Character.isLowSurrogate(s.charAt(++i)), "lone high");
      } else {
        assertFalse(Character.isLowSurrogate(c), "lone low surrogate");
      }
    }
  }

  @Provide
  Arbitrary<String> hostile() {
    Arbitrary<String> nasty = Arbitraries.strings()
        .withChars("\n\r\t\u000b\u000c\u0000\u001b\u007f\u0085\u009b\u2028\u2029\u202e\u2066"
            + "\u200f\ud800\udc00[]0123456789 :-ERROR")
        .ofMaxLength(60);
    Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(400);
    return Arbitraries.oneOf(nasty, any, nasty.map(s -> "\n" + FORGED + s),
        Arbitraries.strings().withCharRange(' ', '~').ofMinLength(3000).ofMaxLength(6000)
            .map(s -> s + "\r\n" + FORGED));
  }

  @Provide
  Arbitrary<String> plain() {
    return Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\u060f')
        .withCharRange('\u0620', '\u1fff')
        .ofMaxLength(200);
  }
}
