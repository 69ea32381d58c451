package dev.credbroker.server.devaws;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The inline policies of the development account's roles, as IAM keeps them: by role name, then
 * policy name, with IAM's aggregate size limit per role. Every role name exists here, as every
 * role ARN in the account may be assumed through the development STS.
 */
public final class DevRolePolicies {
  private final Map<String, Map<String, String>> byRole = new TreeMap<>();

  /** Stores or replaces a policy; refused when the role's policies would exceed IAM's limit. */
  synchronized void put(String role, String name, String document) throws AwsRefusal {
    int size = IamPolicyDocument.check(document);
    Map<String, String> policies = byRole.getOrDefault(role, Map.of());
    for (Map.Entry<String, String> other : policies.entrySet()) {
      if (!other.getKey().equals(name)) {
        size += other.getValue().replaceAll("\\s", "").length();
      }
    }
    if (size > IamPolicyDocument.ROLE_INLINE_LIMIT) {
      throw new AwsRefusal(409, "LimitExceeded", "Maximum policy size of "
          + IamPolicyDocument.ROLE_INLINE_LIMIT + " bytes exceeded for role " + role);
    }
    byRole.computeIfAbsent(role, r -> new TreeMap<>()).put(name, document);
  }

  /** The document of one inline policy, as it was put. */
  public synchronized Optional<String> get(String role, String name) {
    return Optional.ofNullable(byRole.getOrDefault(role, Map.of()).get(name));
  }

  /** Whether the policy existed. */
  synchronized boolean delete(String role, String name) {
    Map<String, String> policies = byRole.get(role);
    return policies != null && policies.remove(name) != null;
  }

  /** The role's policy names in IAM's order (alphabetical). */
  public synchronized List<String> names(String role) {
    return List.copyOf(byRole.getOrDefault(role, Map.of()).keySet());
  }
}
