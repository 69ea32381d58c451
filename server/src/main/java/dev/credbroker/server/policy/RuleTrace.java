package dev.credbroker.server.policy;

import dev.credbroker.server.config.RuleConfig;

/** How one rule bore on a decision: whether its condition held, and why. */
public record RuleTrace(String ruleId, RuleConfig.Effect effect, boolean matched, String why) {}
