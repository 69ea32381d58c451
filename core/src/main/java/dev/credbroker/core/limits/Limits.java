package dev.credbroker.core.limits;

import java.time.Duration;

/**
 * The limits of the broker's contract, defined once for the broker and the {@code credbroker}
 * command: session lengths and alias lengths. Config binding, policy, the development STS and the
 * CLI's option checks read them from here.
 *
 * <p>Why here and not in the .proto: {@code credbroker/v1/broker.proto} states these limits only
 * in comments. Declaring them as custom options would put protobuf descriptors on the path of
 * {@code core}, which on purpose has no protobuf or gRPC dependency (the config and policy code
 * that needs them lives here), and every reader would have to fetch them through reflection on
 * descriptors. The client library does not depend on {@code core} (the compiler keeps it so), so
 * it keeps one copy in {@code dev.credbroker.client.internal.RequestLimits}; a test in the CLI,
 * which sees both modules, asserts the two are equal.
 */
public final class Limits {
  /** The shortest session AWS STS issues (DurationSeconds 900). */
  public static final Duration MIN_SESSION = Duration.ofMinutes(15);
  /** The longest session AWS STS issues for a role (DurationSeconds 43200). */
  public static final Duration MAX_SESSION = Duration.ofHours(12);
  /** The longest role or secret alias a request may carry, in characters. */
  public static final int MAX_ALIAS_CHARS = 2048;

  private Limits() {}
}
