package dev.credbroker.core.policy;

import java.util.List;
import java.util.Optional;

/**
 * The answer to one request, with what it rests on: the rules that decided, a reason in words,
 * and a trace of every rule that covers the target (matched or not), for explanations and audit.
 * The reason may name the target and rules; it is for operators and audit, and the broker shows
 * callers a generic denial so that aliases cannot be probed.
 */
public record Decision(
    Target target,
    boolean allowed,
    List<String> ruleIds,
    String reason,
    Optional<RoleGrant> roleGrant,
    List<RuleTrace> trace) {

  public Decision {
    ruleIds = List.copyOf(ruleIds);
    trace = List.copyOf(trace);
  }
}
