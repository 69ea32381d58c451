package dev.credbroker.cli;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.BrokerException;
import dev.credbroker.client.Entitlements;
import dev.credbroker.client.SessionCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One line on stderr when a requested {@code --duration} came back shorter because the grant caps
 * it: the broker shortens a request to what the caller's grant and the role allow, silently
 * (broker.proto, GetAwsCredentialsRequest.duration), and a user who asked for 12h should not learn
 * it from an expired session. Credentials that are only shorter because the broker handed out a
 * cached session are not a cap; the grant ({@code ListEntitlements}' max_duration, asked only when
 * the credentials are short) tells the two apart. Never touches stdout, where credential_process
 * JSON goes.
 */
final class DurationNotice {
  /** Clock differences and the broker's own processing; a shortfall within it is no cap. */
  static final Duration SLACK = Duration.ofMinutes(1);

  private DurationNotice() {}

  static void report(BrokerClient client, String role, Optional<Duration> requested, SessionCredentials c,
      Io io) {
    if (requested.isEmpty()) {
      return;
    }
    Instant now = io.clock().instant();
    if (!c.expiration().isBefore(now.plus(requested.get()).minus(SLACK))) {
      return;
    }
    String alias = c.role().isEmpty() ? role : c.role();
    Optional<Duration> allowed = grant(client, alias);
    if (allowed.isPresent() && allowed.get().compareTo(requested.get()) >= 0) {
      return;
    }
    String expires = "credentials expire at " + CredentialFormats.expiration(c);
    io.err().println("credbroker: requested " + DurationText.format(requested.get()) + ", "
        + allowed.map(a -> "the grant for role " + alias + " allows " + DurationText.format(a) + "; " + expires)
            .orElse(expires + " (in " + DurationText.format(Duration.between(now, c.expiration())) + ")"));
  }

  private static Optional<Duration> grant(BrokerClient client, String alias) {
    try {
      return client.listEntitlements().roles().stream().filter(r -> r.role().equals(alias))
          .map(Entitlements.RoleEntitlement::maxDuration).findFirst();
    } catch (BrokerException e) {
      return Optional.empty();
    }
  }

  /** A role's credentials for a command: fetched, checked usable, a capped duration reported. */
  static SessionCredentials fetch(BrokerClient client, String role, Optional<Duration> requested, Io io) {
    SessionCredentials c = CredentialFormats.requireUsable(client.getAwsCredentials(role, requested),
        io.clock().instant());
    report(client, role, requested, c, io);
    return c;
  }
}
