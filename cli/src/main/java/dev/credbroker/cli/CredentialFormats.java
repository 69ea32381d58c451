package dev.credbroker.cli;

import dev.credbroker.client.BrokerException;
import dev.credbroker.client.SessionCredentials;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shapes in which AWS tools take credentials, and the one check every command makes first:
 * nothing empty, partial or (almost) expired is ever handed out.
 */
final class CredentialFormats {
  /** Less life than this left and the credentials are not handed out at all. */
  static final Duration MIN_LIFE = Duration.ofMinutes(1);

  private CredentialFormats() {}

  static SessionCredentials requireUsable(SessionCredentials c, Instant now) {
    if (!c.usableAt(now, MIN_LIFE)) {
      throw new BrokerException(BrokerException.Reason.OTHER, "the broker returned incomplete credentials"
          + " or ones expiring within " + MIN_LIFE.toSeconds() + "s; refusing to hand them out");
    }
    return c;
  }

  /** AWS {@code credential_process} output ("Sourcing credentials with an external process"). */
  static Map<String, Object> credentialProcess(SessionCredentials c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Version", 1);
    m.put("AccessKeyId", c.accessKeyId());
    m.put("SecretAccessKey", c.secretAccessKey());
    m.put("SessionToken", c.sessionToken());
    m.put("Expiration", expiration(c));
    return m;
  }

  /** The container credentials endpoint's answer, as the SDKs' container providers parse it. */
  static Map<String, Object> container(SessionCredentials c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("AccessKeyId", c.accessKeyId());
    m.put("SecretAccessKey", c.secretAccessKey());
    m.put("Token", c.sessionToken());
    m.put("Expiration", expiration(c));
    m.put("RoleArn", c.assumedRoleArn());
    c.accountId().ifPresent(a -> m.put("AccountId", a));
    return m;
  }

  /** Environment variables the SDKs and the AWS CLI read first. */
  static Map<String, String> environment(SessionCredentials c, Map<String, String> inherited) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("AWS_ACCESS_KEY_ID", c.accessKeyId());
    m.put("AWS_SECRET_ACCESS_KEY", c.secretAccessKey());
    m.put("AWS_SESSION_TOKEN", c.sessionToken());
    m.put("AWS_CREDENTIAL_EXPIRATION", expiration(c));
    if (!c.region().isEmpty() && !inherited.containsKey("AWS_REGION")) {
      m.put("AWS_REGION", c.region());
    }
    if (!c.region().isEmpty() && !inherited.containsKey("AWS_DEFAULT_REGION")) {
      m.put("AWS_DEFAULT_REGION", inherited.getOrDefault("AWS_REGION", c.region()));
    }
    return m;
  }

  /** ISO 8601 in UTC, whole seconds, rounded down so it never claims more life than there is. */
  static String expiration(SessionCredentials c) {
    return c.expiration().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
