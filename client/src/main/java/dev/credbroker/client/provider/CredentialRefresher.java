package dev.credbroker.client.provider;

import dev.credbroker.client.BrokerException;
import dev.credbroker.client.SessionCredentials;
import dev.credbroker.client.internal.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one value with an expiry fresh, in the manner of the AWS SDK's {@code CachedSupplier}:
 * <ul>
 *   <li>before the jittered prefetch point, callers get the held value (one volatile read);
 *   <li>after it, the first caller (or a timer, if nobody calls) starts one background refresh and
 *       every caller keeps getting the held value without waiting;
 *   <li>a failed refresh keeps the held value and is retried with capped, jittered backoff; in the
 *       stale window (the last {@code stale} before expiry) the cap is shortened;
 *   <li>only without a valid value do callers wait, for the one refresh in flight; a failure then
 *       surfaces as {@link CredentialsUnavailableException}.
 * </ul>
 */
final class CredentialRefresher<T> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrokerCredentialsProvider.class);

  /** What callers get, and when it needs refreshing (also in epoch millis, for the hot path). */
  record Held<T>(T value, SessionCredentials credentials, Instant refreshAt, Instant staleAt,
      long refreshAtMillis) {
    Held(T value, SessionCredentials credentials, Instant refreshAt, Instant staleAt) {
      this(value, credentials, refreshAt, staleAt, refreshAt.toEpochMilli());
    }

    Instant expiration() {
      return credentials.expiration();
    }
  }

  private final Supplier<SessionCredentials> fetch;
  private final Function<SessionCredentials, T> convert;
  private final String what;
  private final Clock clock;
  private final Duration prefetch;
  private final Duration stale;
  private final DoubleSupplier random;
  private final Backoff backoff;
  private final Executor executor;
  private final ScheduledExecutorService timer;
  private final Duration maxWait;
  private final AtomicReference<CompletableFuture<Held<T>>> inFlight = new AtomicReference<>();
  private volatile Held<T> held;
  private volatile Instant retryAt = Instant.MIN;
  private volatile Throwable lastFailure;
  private volatile boolean closed;
  private int failures;
  private ScheduledFuture<?> wakeUp;

  CredentialRefresher(Supplier<SessionCredentials> fetch, Function<SessionCredentials, T> convert,
      String what, Clock clock, Duration prefetch, Duration stale, DoubleSupplier random,
      Executor executor, ScheduledExecutorService timer, Duration maxWait) {
    this.fetch = fetch;
    this.convert = convert;
    this.what = what;
    this.clock = clock;
    this.prefetch = prefetch;
    this.stale = stale;
    this.random = random;
    this.backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), random);
    this.executor = executor;
    this.timer = timer;
    this.maxWait = maxWait;
  }

  /** The held value, or the result of a refresh when there is no valid one. */
  Held<T> get() {
    Held<T> h = held;
    if (h != null) {
      if (clock.millis() < h.refreshAtMillis()) {
        return h;
      }
      Instant now = clock.instant();
      if (now.isBefore(h.refreshAt())) {
        return h;
      }
      if (now.isBefore(h.expiration())) {
        refreshIfDue(now);
        return held; // the newest: a closed provider's caller may have just refreshed it
      }
    }
    return awaitFresh();
  }

  /**
   * Stops the background refresh, as the SDK's {@code CachedSupplier.close()} stops its prefetch:
   * later calls keep working, and the caller that finds a refresh due runs it itself. The SDK
   * closes a provider with every client it was given to, so a provider shared by several clients
   * must survive it.
   */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (wakeUp != null) {
        wakeUp.cancel(false);
      }
    }
    timer.shutdownNow();
  }

  private void refreshIfDue(Instant now) {
    Held<T> h = held;
    if ((h != null && now.isBefore(h.refreshAt())) || now.isBefore(retryAt)) {
      return;
    }
    start();
  }

  private CompletableFuture<Held<T>> start() {
    CompletableFuture<Held<T>> mine = new CompletableFuture<>();
    while (true) {
      CompletableFuture<Held<T>> running = inFlight.get();
      if (running != null) {
        return running;
      }
      if (inFlight.compareAndSet(null, mine)) {
        break;
      }
    }
    if (closed) {
      run(mine); // no refresh thread any more: this caller refreshes, the others keep the held value
      return mine;
    }
    try {
      executor.execute(() -> run(mine));
    } catch (RejectedExecutionException closedMeanwhile) {
      run(mine);
    }
    return mine;
  }

  private void run(CompletableFuture<Held<T>> mine) {
    Held<T> next;
    try {
      SessionCredentials c = fetch.get();
      if (!c.usableAt(clock.instant(), Duration.ZERO)) {
        throw new BrokerException(BrokerException.Reason.OTHER,
            "the broker returned incomplete or already expired credentials");
      }
      next = hold(c, clock.instant());
    } catch (RuntimeException | Error e) {
      // An Error too (a missing class, a failed static initializer): uncaught, it would end this
      // task silently and leave every caller waiting for a refresh that never completes.
      failed(e, clock.instant());
      inFlight.set(null);
      mine.completeExceptionally(e);
      return;
    }
    held = next;
    failures = 0;
    lastFailure = null;
    retryAt = Instant.MIN;
    log.debug("refreshed credentials for {} ({}), expiring at {}", what,
        next.credentials().accessKeyId(), next.expiration());
    schedule(next.refreshAt(), clock.instant());
    inFlight.set(null);
    mine.complete(next);
  }

  private void failed(Throwable failure, Instant now) {
    failures++;
    lastFailure = failure;
    Held<T> current = held;
    boolean valid = current != null && now.isBefore(current.expiration());
    boolean inStale = valid && !now.isBefore(current.staleAt());
    Duration wait = (inStale ? backoff.withCap(stale.dividedBy(6).plusSeconds(1)) : backoff).delay(failures);
    if (failure instanceof BrokerException b && b.retryDelay().isPresent()
        && b.retryDelay().get().compareTo(wait) > 0) {
      wait = b.retryDelay().get(); // the broker's rate limit said when; sooner would be refused
    }
    retryAt = now.plus(wait);
    log.warn("refreshing credentials for {} failed ({}); {}; next attempt in {} ms", what,
        failure.getMessage(), valid ? "still serving the current ones, which expire at "
        + current.expiration() : "no valid credentials to serve", wait.toMillis());
    schedule(retryAt, now);
  }

  /**
   * The prefetch point is jittered over the first half of the window between prefetch and stale,
   * so a fleet started together does not refresh together; and it is never sooner than a quarter
   * of the remaining life, so short-lived credentials do not cause a refresh on every call.
   */
  private Held<T> hold(SessionCredentials c, Instant now) {
    Instant expiration = c.expiration();
    long jitterMillis = (long) (random.getAsDouble() * prefetch.minus(stale).toMillis() / 2);
    Instant soft = expiration.minus(prefetch).plusMillis(jitterMillis);
    Instant floor = now.plus(Duration.between(now, expiration).dividedBy(4));
    Instant refreshAt = soft.isAfter(floor) ? soft : floor;
    Instant staleAt = expiration.minus(stale);
    return new Held<>(convert.apply(c), c, refreshAt, staleAt.isAfter(refreshAt) ? staleAt : refreshAt);
  }

  private synchronized void schedule(Instant at, Instant now) {
    if (closed) {
      return;
    }
    if (wakeUp != null) {
      wakeUp.cancel(false);
    }
    long delay = Math.max(0, Duration.between(now, at).toMillis());
    try {
      wakeUp = timer.schedule(() -> refreshIfDue(clock.instant()), delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed concurrently
    }
  }

  private Held<T> awaitFresh() {
    Instant now = clock.instant();
    Throwable previous = lastFailure;
    if (inFlight.get() == null && previous != null && now.isBefore(retryAt)) {
      throw unavailable(previous);
    }
    try {
      return start().get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unavailable(e.getCause());
    } catch (TimeoutException e) {
      throw unavailable(new BrokerException(BrokerException.Reason.DEADLINE_EXCEEDED,
          "no answer from the broker within " + maxWait.toMillis() + " ms"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(e);
    }
  }

  private CredentialsUnavailableException unavailable(Throwable cause) {
    Held<T> h = held;
    String state = h == null ? "no credentials for " + what + " yet"
        : "the credentials for " + what + " expired at " + h.expiration();
    return new CredentialsUnavailableException(state + " and the broker could not provide new ones: "
        + cause.getMessage(), cause);
  }
}
