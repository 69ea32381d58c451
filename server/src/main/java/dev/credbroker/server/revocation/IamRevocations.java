package dev.credbroker.server.revocation;

import dev.credbroker.core.config.RoleConfig;
import dev.credbroker.core.revocation.RevocationPolicy;
import dev.credbroker.core.revocation.Revocations;
import dev.credbroker.server.aws.AwsCallException;
import dev.credbroker.server.aws.RolePolicies;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@value RevocationPolicy#NAME} inline policy of every role with {@code
 * revoke_in_aws: true} equal to what the revocations in force require: put when it changes,
 * deleted when no statement is left (statements drop out once every session they cut has
 * expired). Every replica may run it: PutRolePolicy replaces the whole document, so replicas that
 * agree on the list write the same thing.
 */
public final class IamRevocations {
  private static final Logger log = LoggerFactory.getLogger(IamRevocations.class);

  private final RolePolicies iam;
  private final Clock clock;
  private final Map<String, Optional<String>> applied = new HashMap<>();

  public IamRevocations(RolePolicies iam, Clock clock) {
    this.iam = iam;
    this.clock = clock;
  }

  /** What one role's policy became. */
  public record Applied(String roleAlias, String roleName, List<String> included,
      List<RevocationPolicy.Left> left, Optional<String> failure) {}

  /** Brings every opted-in role up to date; AWS failures are reported, not thrown. */
  public synchronized List<Applied> apply(Map<String, RoleConfig> roles, Revocations revocations) {
    Duration longest = RevocationPolicy.longestSession(roles.values());
    List<Applied> out = new ArrayList<>();
    for (RoleConfig role : roles.values()) {
      if (!role.revokeInAws()) {
        continue;
      }
      String name = roleName(role.arn());
      RevocationPolicy.Built built = RevocationPolicy.forRole(role.alias(), longest,
          revocations.all(), clock.instant());
      Optional<String> failure = Optional.empty();
      if (!built.document().equals(applied.get(name))) {
        try {
          if (built.document().isPresent()) {
            iam.put(name, RevocationPolicy.NAME, built.document().get());
          } else {
            iam.delete(name, RevocationPolicy.NAME);
          }
          applied.put(name, built.document());
          log.info("IAM policy {} on role {}: {} statement(s), {} revocation(s) not expressible",
              RevocationPolicy.NAME, name, built.included().size(), built.left().size());
        } catch (AwsCallException e) {
          failure = Optional.of(e.getMessage());
          log.warn("cannot update IAM policy {} on role {}: {}", RevocationPolicy.NAME, name,
              failure.get());
        }
      }
      out.add(new Applied(role.alias(), name, built.included(), built.left(), failure));
    }
    return out;
  }

  /** The role name is the ARN's last path segment ({@code role/path/NAME}). */
  static String roleName(String arn) {
    return arn.substring(arn.lastIndexOf('/') + 1);
  }
}
