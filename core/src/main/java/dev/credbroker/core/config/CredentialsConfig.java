package dev.credbroker.core.config;

import dev.credbroker.core.limits.Limits;
import java.time.Duration;
import java.util.Optional;

/**
 * How issued credentials are cached and handed out. {@code min_remaining}: never hand out a
 * credential with less life left (capped at half its lifetime); {@code refresh_before}: refresh
 * in the background once less is left; {@code default_duration}: session length when the caller
 * asks for none (capped by the grant); {@code session_name}: how session names read for roles
 * without their own (none: the subject).
 */
public record CredentialsConfig(Duration minRemaining, Duration refreshBefore,
    Duration defaultDuration, long maxCached, Optional<SessionNameTemplate> sessionName) {

  public static final CredentialsConfig DEFAULTS = new CredentialsConfig(Duration.ofMinutes(5),
      Duration.ofMinutes(10), Duration.ofHours(1), 10_000, Optional.empty());

  static CredentialsConfig read(ConfigNode n) throws ConfigException {
    CredentialsConfig d = DEFAULTS;
    Duration min = n.duration("min_remaining", Duration.ofSeconds(30), Duration.ofHours(1))
        .orElse(d.minRemaining());
    Duration before = n.duration("refresh_before", Duration.ofSeconds(30), Duration.ofHours(6))
        .orElse(d.refreshBefore().compareTo(min) < 0 ? min : d.refreshBefore());
    if (before.compareTo(min) < 0) {
      throw new ConfigException(n.pathOf("refresh_before"), "must be at least min_remaining ("
          + Durations.format(min) + "): refresh before credentials become unservable");
    }
    CredentialsConfig c = new CredentialsConfig(min, before,
        n.duration("default_duration", Limits.MIN_SESSION, Limits.MAX_SESSION)
            .orElse(d.defaultDuration()),
        n.integer("max_cached", 1, 10_000_000).orElse(d.maxCached()),
        SessionNameTemplate.read(n));
    n.rejectUnknownKeys();
    return c;
  }
}
