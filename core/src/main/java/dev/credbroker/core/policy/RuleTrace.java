package dev.credbroker.core.policy;

import dev.credbroker.core.config.RuleConfig;

/** How one rule bore on a decision: whether its condition held, and why (words built on read). */
public record RuleTrace(String ruleId, RuleConfig.Effect effect, boolean matched,
    java.util.function.Supplier<String> reason) {

  public String why() {
    return reason.get();
  }
}
