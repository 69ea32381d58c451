package dev.credbroker.client.cli;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A channel to the broker with the caller's bearer token attached. Plaintext is allowed only to a
 * loopback address, because the token would otherwise cross the network in the clear.
 */
final class BrokerConnection implements AutoCloseable {
  static final String DEFAULT_TARGET = "127.0.0.1:8443";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  private final CallCredentials token;

  private BrokerConnection(ManagedChannel channel, CallCredentials token) {
    this.channel = channel;
    this.token = token;
  }

  static BrokerConnection open(CliOptions options) throws CliOptions.UsageException, IOException {
    String target = options.get("target").orElse(DEFAULT_TARGET);
    ChannelCredentials creds;
    if (options.isSet("plaintext")) {
      if (!isLoopback(target)) {
        throw new CliOptions.UsageException("--plaintext is allowed only for a loopback target;"
            + " use TLS (--ca-file) for " + CliOptions.abbreviate(target));
      }
      creds = InsecureChannelCredentials.create();
    } else if (options.path("ca-file").isPresent()) {
      creds = TlsChannelCredentials.newBuilder()
          .trustManager(options.path("ca-file").get().toFile()).build();
    } else {
      creds = TlsChannelCredentials.create();
    }
    String bearer = token(options);
    ManagedChannel channel = Grpc.newChannelBuilder(target, creds).build();
    return new BrokerConnection(channel, new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + bearer);
        applier.apply(headers);
      }
    });
  }

  ManagedChannel channel() {
    return channel;
  }

  CallCredentials token() {
    return token;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static String token(CliOptions options) throws CliOptions.UsageException, IOException {
    if (options.get("token").isPresent()) {
      return options.get("token").get().strip();
    }
    if (options.path("token-file").isPresent()) {
      return Files.readString(options.path("token-file").get()).strip();
    }
    throw new CliOptions.UsageException("no token: pass --token-file FILE, or set CREDBROKER_TOKEN");
  }

  static boolean isLoopback(String target) {
    String t = target.startsWith("dns:///") ? target.substring("dns:///".length()) : target;
    String host;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      host = close < 0 ? "" : t.substring(1, close);
    } else {
      int colon = t.lastIndexOf(':');
      host = colon < 0 ? t : t.substring(0, colon);
    }
    if (host.isEmpty() || host.contains("/")) {
      return false;
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
