package dev.credbroker.server.model;

import dev.credbroker.core.audit.AuditEvent;
import dev.credbroker.core.audit.StatusCode;
import dev.credbroker.core.policy.Decision;
import dev.credbroker.core.policy.Target;
import dev.credbroker.server.limits.Limit;
import dev.credbroker.server.limits.RateLimitedException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * How a call ended, as a value: both its answer and its audit record are made from it, so what a
 * caller was told and what the log says cannot drift apart. Vendors and handlers return one; no
 * step of a call sets facts on a shared record.
 *
 * @param <T> what an allowed call answers with
 */
public sealed interface Outcome<T> {

  /**
   * Something was handed out or shown: {@code value} answers the caller, {@code handed} is what
   * the record keeps of it; {@code reason} and {@code ruleIds} say on what grounds.
   */
  record Allowed<T>(T value, String reason, List<String> ruleIds, Handed handed)
      implements Outcome<T> {
    public Allowed {
      ruleIds = List.copyOf(ruleIds);
    }

    /** The same, recorded with {@code reason} (what was done, not only why it was allowed). */
    public Allowed<T> withReason(String reason) {
      return new Allowed<>(value, reason, ruleIds, handed);
    }

    /** Allowed by {@code decision}, on its reason and rules. */
    public static <T> Allowed<T> by(Decision decision, T value, Handed handed) {
      return new Allowed<>(value, decision.reason(), decision.ruleIds(), handed);
    }

    /** Without the value: it may be a response holding a secret key or a secret's value. */
    @Override
    public String toString() {
      return "Allowed[reason=" + reason + ", ruleIds=" + ruleIds + ", handed=" + handed + "]";
    }
  }

  /**
   * Policy said no. {@code decision} holds the real reason, for the record only; the caller is
   * told no more than that it may not have {@code asked}, what it wrote.
   */
  record Denied<T>(Decision decision, Target asked) implements Outcome<T> {}

  /**
   * The caller is revoked ({@code credbroker revoke}): the record names the revocation and its
   * reason; the caller is told only that it is revoked.
   */
  record Revoked<T>(String revocationId, String reason) implements Outcome<T> {}

  /**
   * Refused by a rate limit or the AWS concurrency cap: RESOURCE_EXHAUSTED with
   * {@code retryAfter} as the caller's retry delay. {@code description} names the limit and its
   * setting (never the caller) and is both shown and recorded.
   */
  record Limited<T>(Limit limit, String description, Duration retryAfter) implements Outcome<T> {
    /** The outcome of a call that {@code refused} ended. */
    public static <T> Limited<T> of(RateLimitedException refused) {
      return new Limited<>(refused.limit(), refused.getMessage(), refused.retryAfter());
    }
  }

  /** The token was missing or not accepted; {@code reason} is safe to show the caller. */
  record Unauthenticated<T>(String reason) implements Outcome<T> {}

  /**
   * Anything else that ended the call: the status the caller receives and its description, and
   * the rules of a decision already made, if any.
   */
  record Failed<T>(StatusCode status, String description, List<String> ruleIds)
      implements Outcome<T> {
    public Failed {
      ruleIds = List.copyOf(ruleIds);
    }

    public Failed(StatusCode status, String description) {
      this(status, description, List.of());
    }
  }

  /** What an allowed call handed out, as its record shows it: identifiers, never the values. */
  sealed interface Handed {
    /** Nothing but an answer about the caller itself (WhoAmI, ListEntitlements, SearchAudit). */
    Handed NOTHING = new Nothing();

    record Nothing() implements Handed {}

    /** A credential (made once per cached credential), and where it came from. */
    record Credential(AuditEvent.IssuedCredential credential, AuditEvent.Cache cache,
        String awsRequestId) implements Handed {}

    /** A secret's version, and where it came from. */
    record SecretRead(AuditEvent.SecretRead read, AuditEvent.Cache cache, String awsRequestId)
        implements Handed {}
  }

  /** The same outcome answering with {@code f} of an allowed value. */
  @SuppressWarnings("unchecked")
  default <R> Outcome<R> map(Function<? super T, ? extends R> f) {
    if (this instanceof Allowed<T> a) {
      return new Allowed<>(f.apply(a.value()), a.reason(), a.ruleIds(), a.handed());
    }
    return (Outcome<R>) this; // no value of type T in it
  }
}
