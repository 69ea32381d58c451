package dev.credbroker.server.grpc;

import dev.credbroker.core.audit.Rpc;
import dev.credbroker.core.audit.StatusCode;
import dev.credbroker.core.revocation.Revocations;
import dev.credbroker.server.auth.VerifiedIdentity;
import dev.credbroker.server.model.Outcome;
import dev.credbroker.server.revocation.RevocationBook;
import java.util.Optional;

/**
 * The revocation check every call makes once its caller is verified: a revoked caller's call ends
 * as {@link Outcome.Revoked}; while the revocation list cannot be trusted, calls that issue
 * something fail as UNAVAILABLE (fail closed) and the others proceed.
 */
final class Revoking {
  /** What the broker hands out; everything else only shows the caller what it already holds. */
  private static boolean issues(Rpc rpc) {
    return rpc == Rpc.GET_AWS_CREDENTIALS || rpc == Rpc.GET_SECRET_VALUE;
  }

  private Revoking() {}

  static <T> Optional<Outcome<T>> refusal(RevocationBook book, Rpc rpc, Asked asked,
      VerifiedIdentity id) {
    if (book.quiet()) {
      return Optional.empty(); // the common case: nothing revoked, nothing allocated
    }
    RevocationBook.Verdict verdict = book.check(id.revocationFacts(), revocable(asked));
    if (verdict instanceof RevocationBook.Verdict.Revoked revoked) {
      return Optional.of(new Outcome.Revoked<>(revoked.revocation().id(),
          revoked.revocation().reason()));
    }
    if (verdict instanceof RevocationBook.Verdict.Unreadable unreadable && issues(rpc)) {
      return Optional.of(new Outcome.Failed<>(StatusCode.UNAVAILABLE, "the broker cannot read"
          + " its revocation list (last read " + unreadable.lastRead() + "), so it issues"
          + " nothing; retry later"));
    }
    return Optional.empty();
  }

  private static Revocations.Asked revocable(Asked asked) {
    if (asked.role().isPresent()) {
      return new Revocations.Asked.Role(asked.role().get(), Optional.empty());
    }
    if (asked.secret().isPresent()) {
      return new Revocations.Asked.Secret(asked.secret().get());
    }
    return new Revocations.Asked.Nothing();
  }
}
