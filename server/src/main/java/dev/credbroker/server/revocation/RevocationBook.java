package dev.credbroker.server.revocation;

import dev.credbroker.core.revocation.Revocation;
import dev.credbroker.core.revocation.Revocations;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revocations this replica enforces: the last list read from the store, swapped whole, and
 * whether it can still be trusted. When the store cannot be read for longer than {@code
 * failClosedAfter}, the book answers {@link Standing.Unknown} and the broker refuses issuance,
 * since a revocation made meanwhile through another replica would otherwise be missed.
 */
public final class RevocationBook {
  private static final Logger log = LoggerFactory.getLogger(RevocationBook.class);

  private final RevocationStore store;
  private final Clock clock;
  private final Optional<Duration> failClosedAfter;
  private final List<Consumer<Revocations>> listeners = new CopyOnWriteArrayList<>();
  private volatile Revocations current = Revocations.none();
  private volatile Instant lastRead;
  private volatile boolean failing;

  public RevocationBook(RevocationStore store, Clock clock, Optional<Duration> failClosedAfter) {
    this.store = store;
    this.clock = clock;
    this.failClosedAfter = failClosedAfter;
    this.lastRead = clock.instant();
  }

  /** What a request may rely on. */
  public sealed interface Standing {
    record Known(Revocations revocations) implements Standing {}

    /** The list could not be read for too long: refuse issuance. */
    record Unknown(Instant lastRead) implements Standing {}
  }

  /** Whether a request may proceed as far as revocations go. */
  public sealed interface Verdict {
    Verdict CLEAR = new Clear();

    record Clear() implements Verdict {}

    record Revoked(Revocation revocation) implements Verdict {}

    /** The list cannot be trusted: refuse anything that issues. */
    record Unreadable(Instant lastRead) implements Verdict {}
  }

  /** A book that never revokes: for brokers and tests without revocation. */
  public static RevocationBook disabled() {
    return DISABLED;
  }

  private static final RevocationBook DISABLED = new RevocationBook(new RevocationStore() {
    @Override
    public List<Revocation> load() {
      return List.of();
    }

    @Override
    public void add(Revocation revocation) throws IOException {
      throw new IOException("revocation is not configured on this broker");
    }

    @Override
    public boolean remove(String id) {
      return false;
    }
  }, Clock.systemUTC(), Optional.empty());

  /** True while nothing is revoked and the list is readable: no request needs a check. */
  public boolean quiet() {
    return current.isEmpty() && !failing;
  }

  /** The verdict on one request. */
  public Verdict check(Revocations.Caller caller, Revocations.Asked asked) {
    Revocations now = current;
    Standing standing = standing();
    if (standing instanceof Standing.Unknown unknown) {
      return new Verdict.Unreadable(unknown.lastRead());
    }
    return now.refusing(caller, asked, clock.instant())
        .<Verdict>map(Verdict.Revoked::new).orElse(Verdict.CLEAR);
  }

  public Standing standing() {
    Revocations now = current;
    if (failing && failClosedAfter.isPresent()
        && clock.instant().isAfter(lastRead.plus(failClosedAfter.get()))) {
      return new Standing.Unknown(lastRead);
    }
    return new Standing.Known(now);
  }

  /** Called with every new list, on the thread that read it. */
  public void onChange(Consumer<Revocations> listener) {
    listeners.add(listener);
  }

  /**
   * The first read, at start: a list that cannot be read stops the start rather than let the
   * broker begin by serving identities that may be revoked.
   */
  public void start() throws IOException {
    List<Revocation> loaded = store.load();
    lastRead = clock.instant();
    current = Revocations.of(loaded);
    for (Consumer<Revocations> listener : listeners) {
      listener.accept(current);
    }
    if (!loaded.isEmpty()) {
      log.info("{} revocation(s) in force", loaded.size());
    }
  }

  /** Reads the store; true when the list changed. A failure keeps the old list and is logged once. */
  public boolean refresh() {
    List<Revocation> loaded;
    try {
      loaded = store.load();
    } catch (IOException | RuntimeException e) {
      if (!failing) {
        failing = true;
        log.warn("cannot read revocations ({}); enforcing the list read at {}{}", e.getMessage(),
            lastRead, failClosedAfter.map(d -> ", and refusing issuance if this lasts "
                + d.toSeconds() + " s").orElse(""));
      }
      return false;
    }
    lastRead = clock.instant();
    if (failing) {
      failing = false;
      log.info("revocations readable again ({} in force)", loaded.size());
    }
    if (loaded.equals(current.all()) || sameSet(loaded, current.all())) {
      return false;
    }
    Revocations next = Revocations.of(loaded);
    current = next;
    for (Consumer<Revocations> listener : listeners) {
      listener.accept(next);
    }
    return true;
  }

  /** Writes a new revocation through to the store and applies it here at once. */
  public void add(Revocation revocation) throws IOException {
    store.add(revocation);
    refresh();
  }

  /** Withdraws one; false when unknown. Applied here at once. */
  public boolean remove(String id) throws IOException {
    boolean removed = store.remove(id);
    refresh();
    return removed;
  }

  private static boolean sameSet(List<Revocation> a, List<Revocation> b) {
    return a.size() == b.size() && a.containsAll(b);
  }
}
