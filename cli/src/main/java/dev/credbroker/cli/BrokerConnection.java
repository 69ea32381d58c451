package dev.credbroker.cli;

import dev.credbroker.client.BrokerException;
import dev.credbroker.client.internal.BearerCallCredentials;
import dev.credbroker.client.internal.BrokerChannels;
import dev.credbroker.client.internal.Statuses;
import dev.credbroker.client.internal.Targets;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A channel to the broker with the caller's bearer token, for the calls the library does not
 * wrap (the audit service's streaming search). Same settings and rules as {@link ClientFactory}.
 */
record BrokerConnection(ManagedChannel channel, CallCredentials token, String target) implements AutoCloseable {

  static BrokerConnection open(CliOptions o) throws CliOptions.UsageException, IOException {
    String target = o.get("target").orElse(ClientFactory.DEFAULT_TARGET);
    ChannelCredentials credentials;
    if (o.isSet("plaintext")) {
      if (!Targets.isLoopback(target)) {
        throw new CliOptions.UsageException("--plaintext is allowed only for a loopback target;"
            + " use TLS (--ca-file) for " + CliOptions.abbreviate(target));
      }
      credentials = BrokerChannels.plaintext();
    } else {
      credentials = BrokerChannels.tls(o.path("ca-file"), o.path("cert-file"), o.path("key-file"));
    }
    return new BrokerConnection(BrokerChannels.open(target, credentials, 4),
        new BearerCallCredentials(ClientFactory.tokenSource(o)), target);
  }

  /** A failed call as the client library reports it: a broker that cannot be reached says so. */
  BrokerException failure(StatusRuntimeException e, Duration deadline) {
    return Statuses.exception(e, target, channel.getState(false), deadline);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
