package dev.credbroker.server.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.credbroker.server.ops.Caches;
import dev.credbroker.server.aws.AssumeRoleCall;
import dev.credbroker.server.aws.AwsCallException;
import dev.credbroker.server.aws.SecretCall;
import dev.credbroker.server.aws.SecretsGateway;
import dev.credbroker.server.limits.RateLimitedException;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.metrics.CacheMetrics;
import dev.credbroker.server.model.IssuedCredentials;
import dev.credbroker.server.model.SecretVersion;
import dev.credbroker.server.ops.ClockTicker;
import dev.credbroker.server.ops.Futures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secret values shared by every caller entitled to them, keyed by the GetSecretValue call (secret
 * id and version id or stage) and the role it is read with. A value's age counts from the moment
 * its read was sent:
 * <ul>
 *   <li>younger than the TTL: served; from three quarters of the TTL on, one background re-read
 *       runs while callers keep the cached value, so a rotation shows within the TTL;
 *   <li>older: re-read before answering. If AWS is unreachable or throttling, the cached value
 *       keeps being served until TTL + stale grace; any other answer (deleted, denied, not found)
 *       ends the cached value at once;
 *   <li>forced: re-read now, whatever the age.
 * </ul>
 * Concurrent reads of one key share one AWS call, whether first loads, re-reads or forced.
 */
public final class SecretCache {
  private static final Logger log = LoggerFactory.getLogger(SecretCache.class);

  /** What identifies a value: the call, and the role whose credentials make it. */
  public record Key(SecretCall call, Optional<AssumeRoleCall> role) {}

  /** How long a value is served, and how much longer while AWS is unreachable. */
  public record Freshness(Duration ttl, Duration staleGrace) {}

  /** Where a value came from: the cache, AWS, or the cache past its TTL during an outage. */
  public enum Source { HIT, MISS, STALE }

  /** A value and where it came from. */
  public record Lookup(SecretVersion version, Source source) {}

  private record Entry(SecretVersion version, Instant readAt, Duration keep) {}

  private final AsyncCache<Key, Entry> cache;
  private final Map<Key, CompletableFuture<Entry>> rereading = new ConcurrentHashMap<>();
  private final SecretsGateway secrets;
  private final CredentialCache roles;
  private final Executor io;
  private final Clock clock;
  private final CacheMetrics metrics;

  /** {@code roles} supplies credentials for secrets read with a role. */
  public SecretCache(SecretsGateway secrets, CredentialCache roles, Executor io, Clock clock,
      long maxEntries) {
    this(secrets, roles, io, clock, maxEntries, BrokerMetrics.detached().secretCache());
  }

  public SecretCache(SecretsGateway secrets, CredentialCache roles, Executor io, Clock clock,
      long maxEntries, CacheMetrics metrics) {
    this.secrets = secrets;
    this.roles = roles;
    this.io = io;
    this.clock = clock;
    this.metrics = metrics;
    this.cache = Caches.newBuilder(clock)
        .maximumSize(maxEntries)
        .expireAfter(new KeepForGrace())
        .evictionListener((Key k, Entry v, RemovalCause cause) -> metrics.removed(cause))
        .buildAsync();
    metrics.entries(() -> cache.synchronous().estimatedSize());
  }

  /** Forgets every value, so the next reads come from Secrets Manager (after a revocation). */
  public void dropAll() {
    cache.synchronous().invalidateAll();
  }

  public CompletableFuture<Lookup> get(Key key, Freshness freshness, boolean force) {
    return get(key, freshness, force, () -> {});
  }

  /**
   * As above; {@code admitRead} runs only when this lookup would read Secrets Manager for the
   * caller (a miss, a value past its TTL, a forced read; not a hit, a read in flight joined or a
   * background re-read), and refuses it by throwing.
   */
  public CompletableFuture<Lookup> get(Key key, Freshness freshness, boolean force,
      Runnable admitRead) {
    return lookup(key, freshness, force, admitRead).thenApply(l -> {
      metrics.lookup(switch (l.source()) {
        case HIT -> CacheMetrics.Result.HIT;
        case MISS -> CacheMetrics.Result.MISS;
        case STALE -> CacheMetrics.Result.STALE;
      });
      return l;
    });
  }

  private CompletableFuture<Lookup> lookup(Key key, Freshness freshness, boolean force,
      Runnable admitRead) {
    if (force) {
      return Futures.admitted(admitRead, () -> reread(key, freshness)
          .thenApply(e -> new Lookup(e.version(), Source.MISS)));
    }
    CompletableFuture<Entry> cached = cache.getIfPresent(key);
    if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
      Entry e = cached.join();
      Duration age = Duration.between(e.readAt(), clock.instant());
      if (age.compareTo(freshness.ttl()) < 0) {
        if (age.compareTo(freshness.ttl().multipliedBy(3).dividedBy(4)) >= 0) {
          reread(key, freshness).handle((fresh, error) -> { // reread logs its own failure
            metrics.refreshed(error == null);
            return null;
          });
        }
        return CompletableFuture.completedFuture(new Lookup(e.version(), Source.HIT));
      }
      boolean withinGrace = age.compareTo(freshness.ttl().plus(freshness.staleGrace())) < 0;
      return Futures.admitted(admitRead, () -> reread(key, freshness).handle((fresh, error) -> {
        if (error == null) {
          return new Lookup(fresh.version(), Source.MISS);
        }
        if (withinGrace && outage(Futures.cause(error))) {
          return new Lookup(e.version(), Source.STALE);
        }
        throw new CompletionException(Futures.cause(error));
      }));
    }
    if (cached != null && cached.isCompletedExceptionally()) {
      // Caffeine drops a failed load in a callback that may not have run yet; a caller arriving
      // after the failure must get a read of its own, not the failure.
      cache.asMap().remove(key, cached);
    }
    // Joining a first read in flight costs nothing more; starting one is charged.
    return Futures.admitted(cached == null || cached.isDone() ? admitRead : () -> {},
        () -> load(key, freshness));
  }

  private CompletableFuture<Lookup> load(Key key, Freshness freshness) {
    boolean[] loaded = {false};
    CompletableFuture<Entry> shared = cache.get(key, (k, executor) -> {
      loaded[0] = true;
      return read(k, freshness);
    });
    if (!loaded[0]) {
      metrics.joined();
    }
    return shared.thenApply(e -> new Lookup(e.version(), loaded[0] ? Source.MISS : Source.HIT));
  }

  /** One re-read per key at a time; the cache holds its result before anyone sees it. */
  private CompletableFuture<Entry> reread(Key key, Freshness freshness) {
    CompletableFuture<Entry> mine = new CompletableFuture<>();
    CompletableFuture<Entry> running = rereading.putIfAbsent(key, mine);
    if (running != null) {
      metrics.joined();
      return running;
    }
    read(key, freshness).whenComplete((fresh, error) -> {
      if (error == null) {
        cache.put(key, CompletableFuture.completedFuture(fresh));
      } else {
        Throwable cause = Futures.cause(error);
        if (!outage(cause)) {
          cache.synchronous().invalidate(key);
        }
        SecretCall call = key.call();
        log.warn("re-reading secret {} ({}) failed: {}", call.secretId(),
            call.versionId().or(call::versionStage).orElse(""), cause.getMessage());
      }
      rereading.remove(key, mine);
      if (error == null) {
        mine.complete(fresh);
      } else {
        mine.completeExceptionally(Futures.cause(error));
      }
    });
    return mine;
  }

  private CompletableFuture<Entry> read(Key key, Freshness freshness) {
    CompletableFuture<Optional<IssuedCredentials>> as = key.role().isEmpty()
        ? CompletableFuture.completedFuture(Optional.empty())
        : roles.get(key.role().get()).thenApply(l -> Optional.of(l.credentials()));
    return as.thenApplyAsync(credentials -> {
      Instant sentAt = clock.instant();
      try {
        return new Entry(secrets.getSecretValue(key.call(), credentials), sentAt,
            freshness.ttl().plus(freshness.staleGrace()));
      } catch (AwsCallException e) {
        throw new CompletionException(e);
      }
    }, io);
  }

  /**
   * AWS unreachable or throttling, or the broker's own cap on calls in flight full: the cases a
   * cached value may bridge.
   */
  private static boolean outage(Throwable cause) {
    return cause instanceof AwsCallException aws && (aws.kind() == AwsCallException.Kind.UNAVAILABLE
        || aws.kind() == AwsCallException.Kind.THROTTLED)
        || cause instanceof RateLimitedException;
  }

  /**
   * Expires an entry once it is past TTL + grace, measured on Caffeine's own reading of the
   * clock, which may come after the caller has moved on (callbacks of a load run in any order).
   */
  private static final class KeepForGrace implements Expiry<Key, Entry> {
    @Override
    public long expireAfterCreate(Key key, Entry e, long now) {
      return Math.max(0, e.keep().toNanos() - (now - ClockTicker.nanos(e.readAt())));
    }

    @Override
    public long expireAfterUpdate(Key key, Entry e, long now, long currentDuration) {
      return expireAfterCreate(key, e, now);
    }

    @Override
    public long expireAfterRead(Key key, Entry e, long now, long currentDuration) {
      return currentDuration;
    }
  }
}
