package dev.credbroker.server.ops;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** Helpers for failures that arrive wrapped by {@link java.util.concurrent.CompletableFuture}. */
public final class Futures {
  private Futures() {}

  /**
   * {@code work} once {@code admit} lets it go ahead: a refusal (what {@code admit} throws, e.g. a
   * rate limit) becomes the failed future instead, and {@code work} never starts.
   */
  public static <T> CompletableFuture<T> admitted(Runnable admit,
      Supplier<CompletableFuture<T>> work) {
    try {
      admit.run();
    } catch (RuntimeException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    return work.get();
  }

  /** The failure itself, without CompletionException/ExecutionException wrappers. */
  public static Throwable cause(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
