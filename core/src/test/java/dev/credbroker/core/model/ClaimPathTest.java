package dev.credbroker.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClaimPathTest {
  private static final Map<String, Object> CLAIMS = Map.of(
      "email", "alice@example.com",
      "groups", List.of("payments", "ops"),
      "realm_access", Map.of("roles", List.of("deployer")),
      "https://example.com/tenant", "acme",
      "count", 3L,
      "nested", Map.of("list", List.of(Map.of("name", "inner"))));

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      email                          | alice@example.com
      $.email                        | alice@example.com
      groups[1]                      | ops
      realm_access.roles[0]          | deployer
      $.realm_access.roles[0]        | deployer
      ["https://example.com/tenant"] | acme
      nested.list[0].name            | inner
      count                          | 3
      """)
  void lookup_existingPath_returnsValue(String path, String expected) {
    assertEquals(expected, String.valueOf(ClaimPath.parse(path).lookup(CLAIMS).orElseThrow()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"missing", "email.domain", "groups[5]", "groups.first", "realm_access[0]",
      "count.value", "nested.list[0].name.x"})
  void lookup_pathOfOtherShape_isEmptyNeverThrows(String path) {
    assertEquals(Optional.empty(), ClaimPath.parse(path).lookup(CLAIMS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a.", ".a", "a..b", "a[", "a[x]", "a[-1]", "[]", "$."})
  void parse_malformed_throwsWithForms(String path) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClaimPath.parse(path));
    assertEquals(true, e.getMessage().startsWith("expected a claim path"), e.getMessage());
  }
}
