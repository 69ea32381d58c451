package dev.credbroker.server.devaws;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The access keys one development endpoint accepts: the broker's own key, generated at start,
 * and the sessions its STS minted. Keys are random, so they are worthless anywhere else. Minted
 * sessions are forgotten once expired.
 */
public final class DevCredentials {
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** Expired sessions are still recognised (as expired) for this long. */
  private static final java.time.Duration FORGET_AFTER = java.time.Duration.ofDays(1);

  private final SecureRandom random = new SecureRandom();
  private final Map<String, AccessKey> keys = new ConcurrentHashMap<>();
  private final List<DevCredentials> trusted = new CopyOnWriteArrayList<>();
  private final AccessKey broker;

  DevCredentials(String account, Optional<AccessKey> brokerKey) {
    this.broker = brokerKey.orElseGet(() -> new AccessKey("AKIA" + upper(16), text(40),
        "arn:aws:iam::" + account + ":user/credbroker-dev", Optional.empty()));
    keys.put(broker.id(), broker);
  }

  /** The broker's own long-lived key for this endpoint. */
  public AccessKey brokerKey() {
    return broker;
  }

  /** A session minted by this endpoint or a trusted one, by access key id. */
  public Optional<AccessKey> lookup(String accessKeyId) {
    AccessKey key = keys.get(accessKeyId);
    if (key != null) {
      return Optional.of(key);
    }
    for (DevCredentials other : trusted) {
      Optional<AccessKey> found = other.lookup(accessKeyId);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** The sessions this endpoint minted and still knows, for scans that must not find them. */
  public List<AccessKey> sessions() {
    return keys.values().stream().filter(k -> k.session().isPresent()).toList();
  }

  /** Requests signed with keys {@code other} accepts are accepted here too. */
  public void trust(DevCredentials other) {
    trusted.add(other);
  }

  AccessKey mint(String assumedRoleArn, Instant expiration, Instant now,
      Optional<String> sourceIdentity) {
    Instant forgotten = now.minus(FORGET_AFTER);
    keys.values().removeIf(k -> k.session().isPresent()
        && k.session().get().expiration().isBefore(forgotten));
    AccessKey key = new AccessKey("ASIA" + upper(16), text(40), assumedRoleArn, Optional.of(
        new AccessKey.Session("IQoJdev" + text(160), expiration.truncatedTo(ChronoUnit.SECONDS),
            now.truncatedTo(ChronoUnit.SECONDS), sourceIdentity)));
    keys.put(key.id(), key);
    return key;
  }

  private String upper(int n) {
    return text(n).toUpperCase(Locale.ROOT);
  }

  private String text(int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
    }
    return b.toString();
  }
}
