package dev.credbroker.server.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.credbroker.core.audit.StatusCode;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeTest {
  /** An allowed outcome may carry a response with a secret key; printing it must not show it. */
  @Test
  void allowed_toString_neverShowsTheValue() {
    Outcome<String> allowed = new Outcome.Allowed<>("wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET",
        "role 'r' allowed by rule a", List.of("a"), Outcome.Handed.NOTHING);
    assertFalse(allowed.toString().contains("SECRET"), allowed.toString());
  }

  @Test
  void map_changesAnAllowedValue_andPassesRefusalsThrough() {
    Outcome<Integer> allowed = new Outcome.Allowed<>(41, "why", List.of(), Outcome.Handed.NOTHING);
    assertEquals(42, ((Outcome.Allowed<Integer>) allowed.map(n -> n + 1)).value());
    Outcome<Integer> failed = new Outcome.Failed<>(StatusCode.UNAVAILABLE, "down");
    assertSame(failed, failed.map(n -> n + 1));
  }
}
