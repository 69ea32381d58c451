package dev.credbroker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.credbroker.client.testing.FakeBroker;
import dev.credbroker.server.testing.MutableClock;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** credential-process in process: its output, its cache, and what it refuses to print. */
class CredentialProcessCommandTest {
  private static final String TOKEN = "aaa.bbb.ccc";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  @RegisterExtension final FakeBroker broker = FakeBroker.perTest(clock);
  @TempDir Path home;

  private CliRun run(Map<String, String> extraEnv, String... extraArgs) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("HOME", home.toString(), "CREDBROKER_TOKEN", TOKEN));
    env.putAll(extraEnv);
    List<String> args = new java.util.ArrayList<>(List.of("credential-process", "--role", "deployer",
        "--target", broker.target(), "--plaintext"));
    args.addAll(List.of(extraArgs));
    return CliRun.run(env, clock, args.toArray(String[]::new));
  }

  @Test
  void printsVersionOneJson_andNothingElse() throws Exception {
    CliRun r = run(Map.of());

    assertEquals(0, r.exit(), r.toString());
    Map<String, Object> json = JSONObjectUtils.parse(r.out());
    assertEquals(List.of("Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"),
        List.copyOf(json.keySet()));
    assertEquals(1L, json.get("Version"));
    assertEquals("ASIAFAKE000000000001", json.get("AccessKeyId"));
    assertEquals("2026-03-01T13:00:00Z", json.get("Expiration"));
    assertEquals("", r.err());
    assertEquals(1, r.out().lines().count());
  }

  @Test
  void cache_reusedWhileFifteenMinutesAreLeft_privateToTheUser() throws Exception {
    String first = run(Map.of()).out();
    clock.advance(Duration.ofMinutes(45).minusSeconds(1));
    assertEquals(first, run(Map.of()).out());
    assertEquals(1, broker.credentialCalls());

    Path dir = home.resolve(".cache/credbroker");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    try (var files = Files.list(dir)) {
      Path file = files.findFirst().orElseThrow();
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      assertFalse(file.getFileName().toString().contains("deployer"));
    }

    clock.advance(Duration.ofSeconds(1)); // now no more than 15 minutes left
    assertTrue(run(Map.of()).out().contains("ASIAFAKE000000000002"));
    assertEquals(2, broker.credentialCalls());
  }

  @Test
  void cache_isPerTokenAndRole_andCanBeSwitchedOff() {
    run(Map.of());
    run(Map.of("CREDBROKER_TOKEN", "other.caller.token"));
    CliRun other = CliRun.run(Map.of("HOME", home.toString(), "CREDBROKER_TOKEN", TOKEN), clock,
        "credential-process", "--role", "auditor", "--target", broker.target(), "--plaintext");
    run(Map.of(), "--no-cache");
    assertEquals(0, other.exit());
    assertEquals(4, broker.credentialCalls());
  }

  @Test
  void cacheFileReadableByOthers_isIgnored() throws Exception {
    run(Map.of());
    try (var files = Files.list(home.resolve(".cache/credbroker"))) {
      Files.setPosixFilePermissions(files.findFirst().orElseThrow(), PosixFilePermissions.fromString("rw-r--r--"));
    }
    run(Map.of());
    assertEquals(2, broker.credentialCalls());
  }

  @Test
  void brokerDown_servesACachedCredentialWithLifeLeft_neverAnExpiredOne() throws Exception {
    String cached = run(Map.of()).out();
    clock.advance(Duration.ofMinutes(50));
    broker.failNext(Status.UNAVAILABLE, Status.UNAVAILABLE, Status.UNAVAILABLE, Status.UNAVAILABLE);
    CliRun stale = run(Map.of());
    assertEquals(0, stale.exit(), stale.toString());
    assertEquals(cached, stale.out());
    assertTrue(stale.err().startsWith("credbroker: UNAVAILABLE"), stale.err());

    clock.advance(Duration.ofMinutes(9).plusSeconds(1)); // 59s left: too little to hand out
    broker.failNext(Status.UNAVAILABLE, Status.UNAVAILABLE, Status.UNAVAILABLE, Status.UNAVAILABLE);
    CliRun refused = run(Map.of());
    assertEquals(1, refused.exit(), refused.toString());
    assertEquals("", refused.out());
    assertEquals(1, refused.err().lines().count(), refused.err());
  }

  @Test
  void incompleteOrNearlyExpiredAnswers_areRefused() {
    broker.answerCredentials(r -> broker.mint(r).toBuilder().setSecretAccessKey("").build());
    CliRun partial = run(Map.of());
    assertEquals(1, partial.exit());
    assertEquals("", partial.out());
    assertTrue(partial.err().contains("refusing to hand them out"), partial.err());

    broker.answerCredentials(broker::mint);
    broker.lifetime(Duration.ofSeconds(30));
    CliRun expiring = run(Map.of());
    assertEquals(1, expiring.exit());
    assertEquals("", expiring.out());
  }

  @Test
  void failures_haveExitCodesAndOneLine_withoutTheToken() {
    broker.failNext(Status.PERMISSION_DENIED.withDescription("not entitled to role 'deployer'"));
    CliRun denied = run(Map.of());
    assertEquals(4, denied.exit());
    assertEquals("credbroker: broker answered PERMISSION_DENIED: not entitled to role 'deployer'\n", denied.err());

    broker.failNext(Status.UNAUTHENTICATED.withDescription("token expired"));
    assertEquals(3, run(Map.of()).exit());

    CliRun missingFile = CliRun.run(Map.of("HOME", home.toString()), clock, "credential-process", "--role",
        "deployer", "--target", broker.target(), "--plaintext", "--token-file", home.resolve("nope").toString());
    assertEquals(3, missingFile.exit(), missingFile.toString());
    assertTrue(missingFile.err().startsWith("credbroker: no token: token file "), missingFile.err());

    long start = System.nanoTime();
    CliRun slowDeadline = CliRun.run(Map.of("HOME", home.toString()), clock, "credential-process", "--role",
        "deployer", "--target", broker.target(), "--plaintext", "--timeout", "60",
        "--token-file", home.resolve("nope").toString());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(3, slowDeadline.exit(), slowDeadline.toString());
    assertEquals("credbroker: no token: token file " + home.resolve("nope") + " does not exist\n",
        slowDeadline.err());
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "at once, no retries or deadline wait: " + took);

    CliRun noToken = CliRun.run(Map.of("HOME", home.toString()), clock, "credential-process", "--role", "r");
    assertEquals(2, noToken.exit());
    assertTrue(noToken.err().startsWith("credbroker: no token:"), noToken.err());

    CliRun noRole = run(Map.of("CREDBROKER_ROLE", ""));
    assertEquals(0, noRole.exit(), "--role given as a flag");
    CliRun badDuration = run(Map.of(), "--duration", "5m");
    assertEquals(2, badDuration.exit());
    assertEquals("credbroker: --duration must be 15m to 12h (the STS limits); see credbroker credential-process --help\n", badDuration.err());
    for (CliRun r : List.of(denied, missingFile, noToken, badDuration)) {
      assertFalse(r.err().contains(TOKEN), r.toString());
    }
  }
}
