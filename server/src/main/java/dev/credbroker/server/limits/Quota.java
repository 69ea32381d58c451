package dev.credbroker.server.limits;

import dev.credbroker.core.policy.Target;

/**
 * The limits one caller's allowed request is charged against, once policy has allowed it: the
 * role's or secret's bucket for every request, and the caller's and target's smaller buckets for
 * requests that reach AWS. Charging only allowed requests keeps a caller who may not use a role
 * from using up that role's budget. Each method throws {@link RateLimitedException} to refuse.
 */
public interface Quota {
  /** Charges nothing (limits off, and tests that do not limit). */
  Quota NONE = new Quota() {
    @Override
    public void allowed(Target target) {}

    @Override
    public void uncached(Target target) {}
  };

  /** An allowed request for {@code target}. */
  void allowed(Target target);

  /** A request for {@code target} that will call AWS: a cache miss or a forced refresh. */
  void uncached(Target target);
}
