package dev.credbroker.server.revocation;

import dev.credbroker.core.config.RoleConfig;
import dev.credbroker.core.revocation.Revocation;
import dev.credbroker.core.revocation.RevocationPolicy;
import dev.credbroker.core.revocation.Revocations;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Carries out revocations: writes them through the book (so this replica enforces them before the
 * caller is answered), brings the opted-in roles' IAM policies up to date, and on every poll reads
 * what other replicas wrote and drops IAM statements whose sessions have all expired.
 */
public final class Revoker {
  private final RevocationBook book;
  private final Optional<IamRevocations> iam;
  private final Supplier<Map<String, RoleConfig>> roles;

  /** {@code iam} is empty when no role opted into {@code revoke_in_aws} or AWS is not reachable. */
  public Revoker(RevocationBook book, Optional<IamRevocations> iam,
      Supplier<Map<String, RoleConfig>> roles) {
    this.book = book;
    this.iam = iam;
    this.roles = roles;
  }

  /** What a revocation (or its withdrawal) did in IAM, per opted-in role. */
  public record Done(Revocation revocation, List<IamRevocations.Applied> aws) {}

  public Done revoke(Revocation revocation) throws IOException {
    book.add(revocation);
    return new Done(revocation, applyIam());
  }

  /** Withdraws one; empty when no revocation has that id. */
  public Optional<Done> unrevoke(String id) throws IOException {
    Optional<Revocation> known = list().byId(id);
    if (known.isEmpty() || !book.remove(id)) {
      return Optional.empty();
    }
    return Optional.of(new Done(known.get(), applyIam()));
  }

  /** The list this replica enforces. */
  public Revocations list() {
    return book.standing() instanceof RevocationBook.Standing.Known known
        ? known.revocations() : Revocations.none();
  }

  /** One poll: read the store, then IAM (statements expire with time, not only with changes). */
  public void poll() {
    book.refresh();
    applyIam();
  }

  /** The longest session any role grants: how long a revocation needs to last by default. */
  public Duration longestSession() {
    return RevocationPolicy.longestSession(roles.get().values());
  }

  /** Never from an untrusted list: an empty one would delete every statement in IAM. */
  private List<IamRevocations.Applied> applyIam() {
    if (iam.isEmpty() || !(book.standing() instanceof RevocationBook.Standing.Known known)) {
      return List.of();
    }
    return iam.get().apply(roles.get(), known.revocations());
  }
}
