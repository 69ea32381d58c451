package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.client.testing.RealBroker;
import dev.credbroker.server.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A --duration the grant caps is one line on stderr, against the broker's real policy and
 * credential cache (the role allows 1h, the default); stdout stays the command's own.
 */
class DurationNoticeTest {
  private final MutableClock clock = MutableClock.startingNow();
  private RealBroker broker;

  @BeforeEach
  void start() throws Exception {
    broker = RealBroker.start(clock);
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  private CliRun run(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--role", "deployer", "--target", broker.target(), "--plaintext"));
    return CliRun.run(Map.of("CREDBROKER_TOKEN", broker.token("alice")), clock, all.toArray(String[]::new));
  }

  @Test
  void credentialProcess_durationAboveTheGrant_oneLineOnStderr_jsonAloneOnStdout() throws Exception {
    CliRun r = run("credential-process", "--no-cache", "--duration", "12h");

    assertEquals(0, r.exit(), r.toString());
    Map<String, Object> json = JSONObjectUtils.parse(r.out());
    assertEquals(1L, json.get("Version"));
    assertEquals(1, r.out().lines().count(), r.out());
    assertEquals("credbroker: requested 12h, the grant for role deployer allows 1h; credentials expire at "
        + json.get("Expiration") + "\n", r.err());
    assertEquals(Duration.ofHours(1), Duration.between(clock.instant(), Instant.parse((String) json.get("Expiration")))
        .plusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.MINUTES));
  }

  @Test
  void durationWithinTheGrant_saysNothing() {
    for (String d : List.of("1h", "30m")) {
      CliRun r = run("credential-process", "--no-cache", "--duration", d);
      assertEquals(0, r.exit(), r.toString());
      assertEquals("", r.err(), d);
    }
  }

  /** Shorter only because the broker reused its cached session: the grant allows more, so no cap. */
  @Test
  void cachedSessionWithLessLifeLeft_isNoCap() {
    assertEquals("", run("credential-process", "--no-cache", "--duration", "45m").err());
    clock.advance(Duration.ofMinutes(20));

    CliRun r = run("credential-process", "--no-cache", "--duration", "45m");

    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("\"Expiration\""), r.out());
    assertEquals("", r.err());
  }

  @Test
  void exec_durationAboveTheGrant_isReportedBeforeTheCommandRuns() {
    CliRun r = CliRun.run(Map.of("CREDBROKER_TOKEN", broker.token("alice")), clock, "exec", "--role", "deployer",
        "--duration", "2h", "--target", broker.target(), "--plaintext", "--", "true");

    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.err().startsWith("credbroker: requested 2h, the grant for role deployer allows 1h;"
        + " credentials expire at "), r.err());
  }

  /** A broker that cannot say what the grant allows: the line still says when they expire. */
  @Test
  void grantUnknown_saysWhenTheyExpire() throws Exception {
    try (FakeBroker fake = FakeBroker.start(clock)) {
      fake.lifetime(Duration.ofMinutes(50));
      CliRun r = CliRun.run(Map.of("CREDBROKER_TOKEN", "a.b.c"), clock, "credential-process", "--no-cache",
          "--role", "deployer", "--duration", "2h", "--target", fake.target(), "--plaintext");

      assertEquals(0, r.exit(), r.toString());
      assertTrue(r.err().matches("credbroker: requested 2h, credentials expire at \\S+Z \\(in 49m\\)\n"), r.err());
    }
  }
}
