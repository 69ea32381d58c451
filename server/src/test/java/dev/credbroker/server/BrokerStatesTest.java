package dev.credbroker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.core.policy.PolicyInput;
import dev.credbroker.core.policy.Target;
import dev.credbroker.server.grpc.BrokerState;
import dev.credbroker.server.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import dev.credbroker.server.limits.RateLimitedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerStatesTest {
  private static final PolicyInput CALLER = new PolicyInput("https://idp.example.com",
      Map.of("groups", List.of("dev")), Optional.of(address("10.1.2.3")),
      Instant.parse("2026-11-24T12:00:00Z"));

  private static java.net.InetAddress address(String ip) {
    try {
      return java.net.InetAddress.getByName(ip);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @TempDir Path dir;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void validChange_takesEffectAndKeepsTheAuthenticatorWhenIssuersAreUnchanged() throws Exception {
    BrokerStates states = load(config("r1"));
    BrokerState before = states.get();

    write(config("r2"));
    assertTrue(states.reload());

    BrokerState after = states.get();
    assertTrue(after.policy().decide(CALLER, Target.role("r2")).allowed());
    assertFalse(after.policy().decide(CALLER, Target.role("r1")).allowed());
    assertSame(before.authenticator(), after.authenticator(), "key and token caches survive");
    assertTrue(before.policy().decide(CALLER, Target.role("r1")).allowed(),
        "a request that started on the old state finishes on it");
  }

  @Test
  void unchangedFile_isNotAReload() throws Exception {
    BrokerStates states = load(config("r1"));
    BrokerState before = states.get();
    write(config("r1"));
    assertFalse(states.reload());
    assertSame(before, states.get());
  }

  @Test
  void issuerChange_buildsANewAuthenticator() throws Exception {
    BrokerStates states = load(config("r1"));
    BrokerState before = states.get();
    write(config("r1").replace("audiences: [b]", "audiences: [c]"));
    assertTrue(states.reload());
    assertNotSame(before.authenticator(), states.get().authenticator());
  }

  @Test
  void rateLimits_reloadWithTheConfig_andKeepTheirBucketsWhenUnchanged() throws Exception {
    // 0.001/s: a spent bucket stays spent for the whole test, on the real clock
    String limited = "\nrate_limits: {caller: {requests: {per_second: 0.001, burst: 1}}}\n";
    BrokerStates states = load(config("r1") + limited);
    states.get().limits().call("https://idp.example.com", "alice"); // the one token
    assertThrows(RateLimitedException.class,
        () -> states.get().limits().call("https://idp.example.com", "alice"));

    write(config("r2") + limited);
    assertTrue(states.reload());
    assertThrows(RateLimitedException.class,
        () -> states.get().limits().call("https://idp.example.com", "alice"),
        "a policy change keeps the limiter and its spent bucket");

    write(config("r2") + "\nrate_limits: {caller: {requests: {per_second: 0.001, burst: 5}}}\n");
    assertTrue(states.reload());
    assertEquals(5, states.get().limits().config().caller().requests().burst());
    states.get().limits().call("https://idp.example.com", "alice"); // new limits, a full bucket
  }

  @Test
  void invalidFile_keepsTheRunningConfigAndLogsTheKeyPath() throws Exception {
    BrokerStates states = load(config("r1"));
    BrokerState before = states.get();
    try (LogCapture logs = new LogCapture()) {
      write(config("r1").replace("max_duration: 1h", "max_duration: 1 hour"));

      assertFalse(states.reload());

      assertSame(before, states.get());
      assertTrue(logs.lines().stream().anyMatch(l -> l.contains(
          "config reload refused, the running configuration stays: roles.r1.max_duration:")),
          logs.lines().toString());
    }
  }

  @Test
  void reloadsUnderConcurrentRequests_everyDecisionComesFromOneWholeConfig() throws Exception {
    BrokerStates states = load(config("r1"));
    AtomicBoolean running = new AtomicBoolean(true);
    List<Future<Integer>> workers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      workers.add(pool.submit(() -> {
        int checked = 0;
        while (running.get()) {
          BrokerState s = states.get();
          boolean r1 = s.policy().decide(CALLER, Target.role("r1")).allowed();
          boolean r2 = s.policy().decide(CALLER, Target.role("r2")).allowed();
          if (r1 == r2) {
            throw new AssertionError("a mixed configuration: r1=" + r1 + " r2=" + r2);
          }
          checked++;
        }
        return checked;
      }));
    }
    for (int i = 0; i < 40; i++) {
      write(config(i % 2 == 0 ? "r2" : "r1"));
      assertTrue(states.reload());
    }
    running.set(false);
    for (Future<Integer> w : workers) {
      assertTrue(w.get(30, TimeUnit.SECONDS) > 0);
    }
  }

  private BrokerStates load(String yaml) throws Exception {
    Path file = write(yaml);
    return new BrokerStates(Optional.of(file), ConfigLoader.load(file), UnaryOperator.identity(),
        Clock.systemUTC(), pool);
  }

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("config.yaml");
    Path tmp = dir.resolve("config.yaml.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  private static String config(String allowed) {
    return """
        server: {listen: 127.0.0.1:0}
        issuers: [{issuer: "https://idp.example.com", audiences: [b]}]
        roles:
          r1: {arn: "arn:aws:iam::123456789012:role/r1", max_duration: 1h}
          r2: {arn: "arn:aws:iam::123456789012:role/r2"}
        rules:
          - id: devs
            when: {claims: {groups: {contains: dev}}, source_ip: [10.0.0.0/8]}
            roles: [%s]
        """.formatted(allowed);
  }
}
