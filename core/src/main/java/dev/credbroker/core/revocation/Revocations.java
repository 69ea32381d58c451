package dev.credbroker.core.revocation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The revocations in force, as one immutable snapshot indexed by target, so the check every
 * request makes costs a few map lookups however long the list is. A new snapshot replaces the
 * old one whole when the list changes.
 */
public final class Revocations {
  // Index keys: a kind prefix and the target's text; revocation targets hold no NUL.
  private static final String SUBJECT = "s\0";
  private static final String CLIENT = "c\0";
  private static final String TOKEN = "t\0";
  private static final String SOURCE = "i\0";
  private static final Revocations NONE = new Revocations(List.of());

  private final List<Revocation> all;
  private final Map<String, List<Revocation>> byTarget;

  private Revocations(List<Revocation> revocations) {
    List<Revocation> sorted = new ArrayList<>(revocations);
    sorted.sort(Comparator.comparing(Revocation::created).thenComparing(Revocation::id));
    this.all = List.copyOf(sorted);
    Map<String, List<Revocation>> index = new HashMap<>();
    for (Revocation r : all) {
      index.computeIfAbsent(key(r.target()), t -> new ArrayList<>()).add(r);
    }
    index.replaceAll((t, list) -> List.copyOf(list));
    this.byTarget = Map.copyOf(index);
  }

  public static Revocations none() {
    return NONE;
  }

  public static Revocations of(List<Revocation> revocations) {
    return revocations.isEmpty() ? NONE : new Revocations(revocations);
  }

  /** Oldest first. */
  public List<Revocation> all() {
    return all;
  }

  public boolean isEmpty() {
    return all.isEmpty();
  }

  public Optional<Revocation> byId(String id) {
    return all.stream().filter(r -> r.id().equals(id)).findFirst();
  }

  /** The facts of one request a revocation can name. */
  public record Caller(String issuer, String subject, Optional<String> clientId, String tokenHash,
      Optional<Instant> tokenIssuedAt) {}

  /** What the request asks for: a role (with the source identity it would get) or a secret. */
  public sealed interface Asked {
    /** {@code sourceIdentity}: what the broker would set on the session, if anything. */
    record Role(String alias, Optional<String> sourceIdentity) implements Asked {}

    record Secret(String alias) implements Asked {}

    /** A call that names no role or secret (WhoAmI): cut by revocations without a scope. */
    record Nothing() implements Asked {}
  }

  /** The revocation that refuses this request at {@code now}, if any (the oldest). */
  public Optional<Revocation> refusing(Caller caller, Asked asked, Instant now) {
    if (all.isEmpty()) {
      return Optional.empty();
    }
    Optional<Revocation> found = first(SUBJECT + caller.issuer() + '\0' + caller.subject(),
        caller, asked, now);
    if (found.isEmpty() && caller.clientId().isPresent()) {
      found = first(CLIENT + caller.clientId().get(), caller, asked, now);
    }
    if (found.isEmpty()) {
      found = first(TOKEN + caller.tokenHash(), caller, asked, now);
    }
    if (found.isEmpty() && asked instanceof Asked.Role role && role.sourceIdentity().isPresent()) {
      found = first(SOURCE + role.sourceIdentity().get(), caller, asked, now);
    }
    return found;
  }

  private Optional<Revocation> first(String key, Caller caller, Asked asked, Instant now) {
    for (Revocation r : byTarget.getOrDefault(key, List.of())) {
      if (inScope(r, asked) && r.activeAt(now) && r.cutsToken(caller.tokenIssuedAt())) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  private static boolean inScope(Revocation r, Asked asked) {
    if (asked instanceof Asked.Role role) {
      return r.coversRole(role.alias());
    }
    if (asked instanceof Asked.Secret secret) {
      return r.coversSecret(secret.alias());
    }
    return r.roles().isEmpty() && r.secrets().isEmpty();
  }

  private static String key(RevocationTarget target) {
    if (target instanceof RevocationTarget.Subject s) {
      return SUBJECT + s.issuer() + '\0' + s.subject();
    }
    if (target instanceof RevocationTarget.ClientId c) {
      return CLIENT + c.clientId();
    }
    if (target instanceof RevocationTarget.TokenHash t) {
      return TOKEN + t.tokenHash();
    }
    return SOURCE + ((RevocationTarget.SourceIdentity) target).sourceIdentity();
  }
}
