package dev.credbroker.server.grpc;

import java.util.function.Supplier;

/**
 * A request's arguments once checked, or why they are not valid; either way with what the
 * request was found to ask for, which its record names.
 */
sealed interface CheckedRequest<A> {
  Asked asked();

  record Valid<A>(A args, Asked asked) implements CheckedRequest<A> {}

  /** {@code problem}: the INVALID_ARGUMENT (or other status) the check threw. */
  record Invalid<A>(RuntimeException problem, Asked asked) implements CheckedRequest<A> {}

  /**
   * Runs {@code check}; what it throws makes the request invalid. Nothing escapes as a throw: the
   * handler would end with UNKNOWN and no audit record.
   */
  static <A> CheckedRequest<A> of(Asked asked, Supplier<A> check) {
    try {
      return new Valid<>(check.get(), asked);
    } catch (RuntimeException e) {
      return new Invalid<>(e, asked);
    }
  }

  /** A request with nothing to check before the caller is known. */
  static <A> CheckedRequest<A> unchecked(A request) {
    return new Valid<>(request, Asked.NOTHING);
  }
}
