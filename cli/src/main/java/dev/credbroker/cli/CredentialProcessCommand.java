package dev.credbroker.cli;

import dev.credbroker.client.BrokerClient;
import dev.credbroker.client.BrokerException;
import dev.credbroker.client.SessionCredentials;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code credbroker credential-process --role R}: credentials in the JSON shape the AWS CLI and
 * SDKs read from a {@code credential_process} (Version 1). Reuses a cached credential while it has
 * enough life left ({@link ProcessCache}); when the broker cannot be reached, a cached credential
 * with more than a minute left is still better than none. Never prints anything else on stdout.
 */
final class CredentialProcessCommand {
  static final Set<String> VALUED = Set.of("role", "duration", "cache-dir");
  static final Set<String> SWITCHES = Set.of("no-cache");

  private CredentialProcessCommand() {}

  static int run(List<String> args, Io io) throws Exception {
    CliOptions o = ClientFactory.options(args, VALUED, SWITCHES, io.env());
    String role = o.required("role");
    Optional<Duration> duration = DurationText.option(o, "duration");
    Optional<ProcessCache> cache = o.isSet("no-cache") ? Optional.empty() : ProcessCache.open(o);
    String key = ProcessCache.key(o.get("target").orElse(ClientFactory.DEFAULT_TARGET), role, duration,
        ClientFactory.tokenIdentity(o));
    Optional<ProcessCache.Entry> cached = cache.flatMap(c -> c.read(key));
    Instant now = io.clock().instant();
    if (cached.isPresent() && cached.get().reusableAt(now)) {
      return print(cached.get().credentials(), io);
    }
    SessionCredentials fresh;
    try (BrokerClient client = ClientFactory.create(o)) {
      fresh = DurationNotice.fetch(client, role, duration, io);
    } catch (BrokerException e) {
      if (e.isRetryable() && cached.isPresent()
          && cached.get().credentials().usableAt(io.clock().instant(), CredentialFormats.MIN_LIFE)) {
        io.err().println("credbroker: " + e.getMessage() + "; using cached credentials expiring at "
            + CredentialFormats.expiration(cached.get().credentials()));
        return print(cached.get().credentials(), io);
      }
      throw e;
    }
    if (cache.isPresent()) {
      try {
        cache.get().write(key, fresh, now);
      } catch (IOException e) {
        io.err().println("credbroker: cannot write the credential cache: " + e.getClass().getSimpleName());
      }
    }
    return print(fresh, io);
  }

  private static int print(SessionCredentials c, Io io) {
    io.out().println(JsonOutput.compact(CredentialFormats.credentialProcess(c)));
    io.out().flush();
    return CredbrokerCli.EXIT_OK;
  }
}
