package dev.credbroker.client.token;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where the bearer token for each broker call comes from. {@link #token()} is called before every
 * call, off gRPC's transport threads, so it may block briefly (read a file, call a token
 * endpoint); implementations cache what they can.
 */
@FunctionalInterface
public interface TokenSource {

  /** The token to send now; throws {@link TokenException} when none can be obtained. */
  String token();

  /** Always the same token (tests, short scripts). */
  static TokenSource of(String token) {
    String t = Tokens.requireWellFormed(Objects.requireNonNull(token, "token").strip(), "the token");
    return () -> t;
  }

  /**
   * A token kept in a file and re-read when the file changes: Kubernetes projected service
   * account tokens (rotated through a symlink swap), or tokens an on-premises agent drops.
   */
  static TokenSource fromFile(Path file) {
    return new FileTokenSource(file);
  }

  /** Tokens from the caller's own code (an SDK of the identity provider, a vault). */
  static TokenSource fromSupplier(Supplier<String> supplier) {
    Objects.requireNonNull(supplier, "supplier");
    return () -> {
      String t = supplier.get();
      if (t == null) {
        throw new TokenUnavailableException("the token supplier returned no token");
      }
      return Tokens.requireWellFormed(t.strip(), "the token supplier's token");
    };
  }
}
