package dev.credbroker.core.config;

import dev.credbroker.core.model.Cidr;
import dev.credbroker.core.model.ClaimPath;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

/**
 * A rule's {@code when}, validated and typed but not evaluated: the policy engine decides what a
 * condition means for a request. Every form is a value, so two configs can be compared.
 */
public sealed interface ConditionSpec {

  /** Every condition must hold; the empty list always holds. */
  record All(List<ConditionSpec> conditions) implements ConditionSpec {
    public All {
      conditions = List.copyOf(conditions);
    }
  }

  /** At least one condition must hold. */
  record Any(List<ConditionSpec> conditions) implements ConditionSpec {
    public Any {
      conditions = List.copyOf(conditions);
    }
  }

  /** The condition must not hold. */
  record Not(ConditionSpec condition) implements ConditionSpec {}

  /** The token's issuer is one of these. */
  record Issuer(Set<String> issuers) implements ConditionSpec {
    public Issuer {
      issuers = Set.copyOf(issuers);
    }
  }

  /** A claim, found by path, passes a test. A claim of another shape never passes. */
  record Claim(ClaimPath path, ClaimTest test, List<Object> operands) implements ConditionSpec {
    public Claim {
      operands = List.copyOf(operands);
    }
  }

  /** What a {@link Claim} checks. */
  enum ClaimTest {
    /** Scalar equal to the operand (numbers and booleans compared as written). */
    EQUALS,
    /** Scalar equal to one of the operands. */
    ONE_OF,
    /** Text matching a glob: {@code *} any run of characters, {@code ?} one character. */
    GLOB,
    /** Array containing an element equal to the operand. */
    CONTAINS,
    /** Present, whatever the value. */
    EXISTS,
    /** Not present. */
    ABSENT
  }

  /** The caller's address (as the broker sees it) is in one of these networks. */
  record SourceIp(List<Cidr> networks) implements ConditionSpec {
    public SourceIp {
      networks = List.copyOf(networks);
    }
  }

  /**
   * The request time, in {@code zone}, falls on one of {@code days} and between {@code from}
   * (inclusive) and {@code to} (exclusive); {@code from > to} wraps past midnight, and the day is
   * the local day at the request time.
   */
  record TimeWindow(Set<DayOfWeek> days, LocalTime from, LocalTime to, ZoneId zone)
      implements ConditionSpec {
    public TimeWindow {
      days = Set.copyOf(days);
    }
  }
}
