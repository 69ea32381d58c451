package dev.credbroker.server.devaws;

import java.util.Map;

/**
 * What a test may add to the development endpoint: count or fail an action, see what the broker
 * sent to AssumeRole, substitute an oversized value. Dev mode uses {@link #NONE}.
 */
public interface DevAwsHooks {
  DevAwsHooks NONE = new DevAwsHooks() {};

  /** Called before every action; a refusal returned here is the answer. */
  default AwsRefusal before(String action) throws InterruptedException {
    return null;
  }

  /** The parameters of an AssumeRole or AssumeRoleWithWebIdentity call, as received. */
  default void assumeRoleReceived(Map<String, String> parameters) {}

  /** A string value to answer GetSecretValue with instead of the stored one, or null. */
  default String substituteSecretString() {
    return null;
  }
}
