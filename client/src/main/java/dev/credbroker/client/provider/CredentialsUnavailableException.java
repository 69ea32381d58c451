package dev.credbroker.client.provider;

import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * {@link BrokerCredentialsProvider} has no valid credentials to give: none were obtained yet, or
 * the last ones expired while the broker could not be reached. The message names the role, when
 * the credentials expired and the broker's last answer; it never contains a secret.
 */
public final class CredentialsUnavailableException extends SdkClientException {
  private static final long serialVersionUID = 1L;

  CredentialsUnavailableException(String message, Throwable cause) {
    super(SdkClientException.builder().message(message).cause(cause));
  }
}
