package dev.credbroker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.credbroker.core.config.BrokerConfig;
import dev.credbroker.core.config.ConfigLoader;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.devmode.DevIssuer;
import dev.credbroker.server.grpc.ServerStartException;
import dev.credbroker.server.health.HealthChecks;
import dev.credbroker.server.health.HealthMonitor;
import dev.credbroker.server.metrics.Probe;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The issuers' start-up check against real HTTP: a reachable issuer's keys load before the port
 * opens; an issuer nobody answers for fails the start with {@code fail}, is logged and shown on
 * {@code /readyz} with {@code warn}, and is not fetched with {@code skip}.
 */
class StartupKeysTest {
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService io = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    io.shutdownNow();
  }

  @Test
  void unreachableIssuer_failsTheStartWithFail_isNotReadyWithWarn_andUntouchedWithSkip()
      throws Exception {
    String nobody = "http://127.0.0.1:" + closedPort() + "/realms/wrong";
    try (DevIssuer idp = DevIssuer.start(clock)) {
      Authenticator fail = authenticator(idp, nobody, "fail");
      Authenticator warn = authenticator(idp, nobody, "warn");
      Authenticator skip = authenticator(idp, nobody, "skip");

      ServerStartException refused = assertThrows(ServerStartException.class,
          () -> StartupKeys.check(fail, config(idp, nobody, "fail").issuers()));
      StartupKeys.check(warn, config(idp, nobody, "warn").issuers());
      StartupKeys.check(skip, config(idp, nobody, "skip").issuers());

      assertTrue(refused.getMessage().startsWith("issuer " + nobody + ": cannot load its signing"
          + " keys (cannot reach " + nobody + "/.well-known/openid-configuration"),
          refused.getMessage());
      assertFalse(warn.keySets().get(0).healthy());
      assertTrue(warn.keySets().get(1).usable(), "the reachable issuer's keys loaded at start");
      Probe ready = readiness(warn);
      assertTrue(ready.ok(), "one issuer with usable keys is enough to serve: " + ready);
      assertTrue(ready.details().stream().anyMatch(d -> d.startsWith("issuer " + nobody
          + ": no signing keys (last fetch: cannot reach")), ready.details().toString());
      Authenticator alone = Authenticator.create(List.of(config(idp, nobody, "warn").issuers()
          .get(0)), clock, io);
      StartupKeys.check(alone, List.of(config(idp, nobody, "warn").issuers().get(0)));
      assertFalse(readiness(alone).ok(), "no issuer with usable keys: not ready");
      assertEquals(0, skip.keySets().get(0).keys());
      assertTrue(skip.keySets().get(0).lastFailure().isEmpty(), "skip fetches nothing");
      assertTrue(skip.keySets().get(0).healthy());
    }
  }

  private Probe readiness(Authenticator authenticator) {
    try (HealthMonitor health = new HealthMonitor(new HealthChecks(() -> true,
        authenticator::keySets, () -> { }), up -> { }, () -> true)) {
      health.check();
      return health.readiness();
    }
  }

  private Authenticator authenticator(DevIssuer idp, String nobody, String check)
      throws Exception {
    return Authenticator.create(config(idp, nobody, check).issuers(), clock, io);
  }

  private static BrokerConfig config(DevIssuer idp, String nobody, String check) throws Exception {
    return ConfigLoader.parse("server: {listen: 127.0.0.1:0}\nissuers:\n"
        + "  - {issuer: \"" + nobody + "\", audiences: [b], startup_check: " + check
        + ", connect_timeout: 1s, read_timeout: 1s}\n", "test", Path.of("."))
        .withIssuer(idp.issuerConfig());
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
