package dev.credbroker.server.ops;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers for failures that arrive wrapped by {@link java.util.concurrent.CompletableFuture}. */
public final class Futures {
  private Futures() {}

  /** The failure itself, without CompletionException/ExecutionException wrappers. */
  public static Throwable cause(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
