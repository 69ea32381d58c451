package dev.credbroker.server;

import dev.credbroker.core.config.IssuerConfig;
import dev.credbroker.server.auth.Authenticator;
import dev.credbroker.server.grpc.ServerStartException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up reachability check: every issuer's discovery document and keys are fetched before
 * the port opens, so a wrong issuer URL shows at start (and on {@code /readyz}) rather than at the
 * first caller. Per issuer, {@code startup_check} decides what a failure does: {@code warn} logs
 * and starts, {@code fail} refuses to start, {@code skip} does not fetch.
 */
final class StartupKeys {
  private static final Logger log = LoggerFactory.getLogger(StartupKeys.class);

  private StartupKeys() {}

  /** Waits at most two fetches' deadlines (discovery, then keys) of the slowest issuer. */
  static void check(Authenticator authenticator, List<IssuerConfig> issuers)
      throws ServerStartException {
    Duration wait = issuers.stream()
        .map(i -> i.connectTimeout().plus(i.readTimeout()).multipliedBy(2))
        .max(Duration::compareTo).orElse(Duration.ZERO).plusSeconds(1);
    Map<IssuerConfig, String> failed;
    try {
      failed = authenticator.loadKeys().get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      failed = Map.of(); // each fetch has its own deadline; this only bounds their sum
      log.warn("start-up check of the issuers' keys still running after {} ms; starting",
          wait.toMillis());
    } catch (ExecutionException e) {
      throw new IllegalStateException("the start-up check failed unexpectedly", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerStartException("interrupted during the start-up check of the issuers");
    }
    for (Map.Entry<IssuerConfig, String> f : failed.entrySet()) {
      IssuerConfig issuer = f.getKey();
      if (issuer.startupCheck() == IssuerConfig.StartupCheck.FAIL) {
        throw new ServerStartException("issuer " + issuer.issuer() + ": cannot load its signing"
            + " keys (" + f.getValue() + "); check issuers[].issuer and jwks_uri, or set"
            + " startup_check: warn to start anyway");
      }
      log.warn("issuer {}: cannot load its signing keys at start ({}); starting anyway"
          + " (startup_check: warn); tokens of this issuer fail until they load", issuer.issuer(),
          f.getValue());
    }
  }
}
