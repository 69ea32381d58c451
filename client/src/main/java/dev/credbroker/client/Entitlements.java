package dev.credbroker.client;

import java.time.Duration;
import java.util.List;

/** The roles and secrets the caller may request right now, each with the rules that grant it. */
public record Entitlements(List<RoleEntitlement> roles, List<SecretEntitlement> secrets) {

  public Entitlements {
    roles = List.copyOf(roles);
    secrets = List.copyOf(secrets);
  }

  /** A role alias, the IAM role behind it and the longest session the caller may ask for. */
  public record RoleEntitlement(String role, String roleArn, Duration maxDuration, List<String> ruleIds) {
    public RoleEntitlement {
      ruleIds = List.copyOf(ruleIds);
    }
  }

  /** A secret alias and the Secrets Manager secret id behind it. */
  public record SecretEntitlement(String secret, String secretId, List<String> ruleIds) {
    public SecretEntitlement {
      ruleIds = List.copyOf(ruleIds);
    }
  }
}
