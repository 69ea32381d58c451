package dev.credbroker.server.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.server.ops.Caches;
import dev.credbroker.server.aws.AssumeRoleCall;
import dev.credbroker.server.aws.StsGateway;
import dev.credbroker.server.metrics.BrokerMetrics;
import dev.credbroker.server.metrics.CacheMetrics;
import dev.credbroker.server.model.IssuedCredentials;
import dev.credbroker.server.ops.ClockTicker;
import dev.credbroker.server.ops.Futures;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STS credentials shared by identical requests. The key is the whole {@link AssumeRoleCall}, so a
 * caller only ever receives credentials minted with its own session name, tags and policy.
 *
 * <p>Two margins, as in the AWS SDK's own STS providers: a credential is served only while it has
 * at least {@code minRemaining} left (capped at half its lifetime); once it has less than
 * {@code refreshBefore} left, one background refresh runs while callers keep the current one.
 * Concurrent identical misses share one STS call. If STS fails, a credential that still meets
 * {@code minRemaining} keeps being served; nothing is kept anywhere but this cache.
 */
public final class CredentialCache {
  private static final Logger log = LoggerFactory.getLogger(CredentialCache.class);

  private final AsyncCache<AssumeRoleCall, Entry> cache;
  private final Set<AssumeRoleCall> refreshing = ConcurrentHashMap.newKeySet();
  private final StsGateway sts;
  private final Executor io;
  private final Clock clock;
  private final Duration minRemaining;
  private final Duration refreshBefore;
  private final CacheMetrics metrics;

  public CredentialCache(StsGateway sts, Executor io, Clock clock, Duration minRemaining,
      Duration refreshBefore, long maxEntries) {
    this(sts, io, clock, minRemaining, refreshBefore, maxEntries,
        BrokerMetrics.detached().credentialCache());
  }

  public CredentialCache(StsGateway sts, Executor io, Clock clock, Duration minRemaining,
      Duration refreshBefore, long maxEntries, CacheMetrics metrics) {
    this.sts = sts;
    this.io = io;
    this.clock = clock;
    this.minRemaining = minRemaining;
    this.refreshBefore = refreshBefore;
    this.metrics = metrics;
    this.cache = Caches.newBuilder(clock)
        .maximumSize(maxEntries)
        .expireAfter(new WhileServable())
        .evictionListener((AssumeRoleCall k, Entry v, RemovalCause cause) ->
            metrics.removed(cause))
        .buildAsync();
    metrics.entries(() -> cache.synchronous().estimatedSize());
  }

  /**
   * Forgets the credentials of every call {@code which} matches, loads in flight included, so
   * the next request for them goes to STS (a revocation: nothing minted before its cut-off is
   * handed out again).
   */
  public void dropIf(Predicate<AssumeRoleCall> which) {
    cache.asMap().keySet().removeIf(which);
  }

  /** Credentials for {@code call}: from the cache when fresh enough, else one STS call. */
  public CompletableFuture<Lookup> get(AssumeRoleCall call) {
    return get(call, () -> {});
  }

  /**
   * As above; {@code admitCall} runs only when this lookup would start an STS call (not for a
   * hit, nor for joining a call in flight), and refuses it by throwing.
   */
  public CompletableFuture<Lookup> get(AssumeRoleCall call, Runnable admitCall) {
    CompletableFuture<Entry> cached = cache.getIfPresent(call);
    if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
      Entry entry = cached.join();
      IssuedCredentials c = entry.credentials();
      if (remaining(c).compareTo(hardMargin(c)) >= 0) {
        if (remaining(c).compareTo(softMargin(c)) < 0) {
          refreshInBackground(call);
        }
        metrics.lookup(CacheMetrics.Result.HIT);
        return CompletableFuture.completedFuture(new Lookup(c, entry.audit(), true));
      }
    }
    if (cached != null && cached.isCompletedExceptionally()) {
      // Caffeine drops a failed load in a callback that may not have run yet; a caller arriving
      // after the failure must get a call of its own, not the failure.
      cache.asMap().remove(call, cached);
    }
    // Joining a call in flight costs nothing more; starting one is charged.
    return Futures.admitted(cached == null || cached.isDone() ? admitCall : () -> {},
        () -> load(call));
  }

  private CompletableFuture<Lookup> load(AssumeRoleCall call) {
    boolean[] loaded = {false};
    CompletableFuture<Entry> shared = cache.get(call, (key, executor) -> {
      loaded[0] = true;
      return CompletableFuture.supplyAsync(() -> mint(key), io);
    });
    if (loaded[0]) {
      metrics.lookup(CacheMetrics.Result.MISS);
    } else {
      metrics.joined(); // another caller's STS call, shared: a hit that waited
      metrics.lookup(CacheMetrics.Result.HIT);
    }
    return shared.thenApply(e -> new Lookup(e.credentials(), e.audit(), !loaded[0]));
  }

  /**
   * A credential, its public parts as audit records show them (made once per credential, not per
   * call), and whether it came from the cache.
   */
  public record Lookup(IssuedCredentials credentials, AuditEvent.IssuedCredential audit,
      boolean cacheHit) {}

  /** What the cache holds per call: the credential and its audit view, made together. */
  private record Entry(IssuedCredentials credentials, AuditEvent.IssuedCredential audit) {
    static Entry of(AssumeRoleCall call, IssuedCredentials c) {
      return new Entry(c, new AuditEvent.IssuedCredential(c.accessKeyId(), call.sessionName(),
          c.sourceIdentity().orElse(""), c.expiration(), c.assumedRoleArn()));
    }
  }

  /** At most one refresh per key; it completes outside any map operation, on {@code io}. */
  private void refreshInBackground(AssumeRoleCall call) {
    if (!refreshing.add(call)) {
      return;
    }
    CompletableFuture.supplyAsync(() -> mint(call), io).whenComplete((fresh, error) -> {
      metrics.refreshed(error == null);
      if (error == null) {
        cache.put(call, CompletableFuture.completedFuture(fresh));
      } else {
        Throwable cause = Futures.cause(error);
        log.warn("background refresh of credentials for {} failed; serving the current ones: {}",
            call.roleArn(), cause.getMessage());
      }
      refreshing.remove(call);
    });
  }

  private Entry mint(AssumeRoleCall call) {
    try {
      return Entry.of(call, sts.assumeRole(call));
    } catch (dev.credbroker.server.aws.AwsCallException e) {
      throw new CompletionException(e);
    }
  }

  private Duration remaining(IssuedCredentials c) {
    return Duration.between(clock.instant(), c.expiration());
  }

  private Duration lifetime(IssuedCredentials c) {
    return Duration.between(c.issuedAt(), c.expiration());
  }

  /** Served only with at least this left: min_remaining, but never more than half the lifetime. */
  Duration hardMargin(IssuedCredentials c) {
    Duration half = Duration.ofNanos(lifetime(c).toNanos() / 2); // Duration.dividedBy goes via BigDecimal
    return minRemaining.compareTo(half) < 0 ? minRemaining : half;
  }

  /** Refreshed in the background below this: refresh_before, at least the hard margin. */
  Duration softMargin(IssuedCredentials c) {
    Duration threeQuarters = Duration.ofNanos(lifetime(c).toNanos() * 3 / 4); // fits: STS caps at 12h
    Duration soft = refreshBefore.compareTo(threeQuarters) < 0 ? refreshBefore : threeQuarters;
    return soft.compareTo(hardMargin(c)) > 0 ? soft : hardMargin(c);
  }

  /**
   * Keeps an entry while its credential is servable, measured on Caffeine's own reading of the
   * clock, and again from the new credential when a refresh replaces it (an expiry fixed at
   * creation would drop the refreshed credential when the old one stopped being servable).
   * Serving is allowed at exactly the margin, hence the extra nanosecond.
   */
  private final class WhileServable implements Expiry<AssumeRoleCall, Entry> {
    @Override
    public long expireAfterCreate(AssumeRoleCall call, Entry entry, long now) {
      IssuedCredentials c = entry.credentials();
      long until = ClockTicker.nanos(c.expiration()) - hardMargin(c).toNanos() + 1;
      return Math.max(0, until - now);
    }

    @Override
    public long expireAfterUpdate(AssumeRoleCall call, Entry entry, long now,
        long currentDuration) {
      return expireAfterCreate(call, entry, now);
    }

    @Override
    public long expireAfterRead(AssumeRoleCall call, Entry entry, long now,
        long currentDuration) {
      return currentDuration;
    }
  }
}
