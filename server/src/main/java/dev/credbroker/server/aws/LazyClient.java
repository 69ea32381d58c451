package dev.credbroker.server.aws;

import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * An AWS SDK client built on first use, so a broker that vends nothing never needs AWS settings,
 * and a missing region becomes a clear error on the first request instead of a failed start.
 */
final class LazyClient<C extends SdkAutoCloseable> implements AutoCloseable {
  private final String service;
  private final Supplier<C> build;
  private volatile C client;

  LazyClient(String service, Supplier<C> build) {
    this.service = service;
    this.build = build;
  }

  C get() throws AwsCallException {
    C c = client;
    if (c == null) {
      synchronized (this) {
        if (client == null) {
          try {
            client = build.get();
          } catch (SdkClientException e) {
            throw new AwsCallException(AwsCallException.Kind.INVALID, "", "cannot set up the "
                + service + " client (" + e.getMessage() + "); set aws.region or AWS_REGION");
          }
        }
        c = client;
      }
    }
    return c;
  }

  @Override
  public void close() {
    C c = client;
    if (c != null) {
      c.close();
    }
  }
}
