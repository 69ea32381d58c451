package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.credbroker.client.internal.RequestLimits;
import dev.credbroker.core.limits.Limits;
import org.junit.jupiter.api.Test;

/**
 * The client library keeps its own copy of the broker's limits (it must not depend on core);
 * the CLI sees both modules, so this is where they are held equal.
 */
class LimitsAgreeTest {
  @Test
  void clientLimits_equalCoreLimits() {
    assertEquals(Limits.MIN_SESSION, RequestLimits.MIN_SESSION);
    assertEquals(Limits.MAX_SESSION, RequestLimits.MAX_SESSION);
    assertEquals(Limits.MAX_ALIAS_CHARS, RequestLimits.MAX_ALIAS_CHARS);
  }
}
