package dev.credbroker.client.internal;

import dev.credbroker.proto.v1.CredentialBrokerGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.Deadline;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Channels to the broker. Load balancing and retries come from a default service config, as gRPC
 * intends (gRFC A6): {@code round_robin} over every address a {@code dns:///} target resolves to,
 * and transparent retries of UNAVAILABLE with capped backoff. Every broker call is a read, so
 * retrying it is safe.
 */
public final class BrokerChannels {
  /** gRPC's own ceiling for retry attempts (ManagedChannelBuilder#maxRetryAttempts default). */
  public static final int MAX_ATTEMPTS = 5;

  private BrokerChannels() {}

  /** A channel with its own I/O thread, ended by {@code awaitTermination} ({@link OwnLoopChannel}). */
  public static ManagedChannel open(String target, ChannelCredentials credentials, int maxAttempts) {
    EventLoopGroup loop = new NioEventLoopGroup(1, new DefaultThreadFactory("credbroker-io", true));
    try {
      return new OwnLoopChannel(NettyChannelBuilder.forTarget(target, credentials)
          .eventLoopGroup(loop)
          .channelType(NioSocketChannel.class)
          .disableServiceConfigLookUp()
          .defaultServiceConfig(serviceConfig(maxAttempts))
          .enableRetry()
          .maxRetryAttempts(MAX_ATTEMPTS)
          .build(), loop);
    } catch (RuntimeException e) {
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** How long a call waits for the reconnect it starts; a broker that is up connects far sooner. */
  static final long RECONNECT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

  /**
   * If the channel is in TRANSIENT_FAILURE, reconnects now instead of after gRPC's reconnect
   * backoff, and waits briefly (never past {@code end}) for it to become READY. The channel state
   * cannot say that the attempt failed (round_robin stays in TRANSIENT_FAILURE until a replica is
   * READY), hence the bounded wait.
   */
  public static void reconnectIfFailed(ManagedChannel channel, Deadline end) throws InterruptedException {
    ConnectivityState state = channel.getState(false);
    if (state != ConnectivityState.TRANSIENT_FAILURE) {
      return;
    }
    long until = System.nanoTime() + Math.min(RECONNECT_WAIT_NANOS, end.timeRemaining(TimeUnit.NANOSECONDS));
    channel.resetConnectBackoff();
    while (state != ConnectivityState.READY && state != ConnectivityState.SHUTDOWN) {
      CountDownLatch changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(state, changed::countDown);
      if (!changed.await(until - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        return;
      }
      state = channel.getState(false);
    }
  }

  /** TLS with the JVM's or the given trust anchors, optionally a client certificate (mTLS). */
  public static ChannelCredentials tls(Optional<Path> trustedCertificates, Optional<Path> certChain,
      Optional<Path> privateKey) throws IOException {
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
    if (trustedCertificates.isPresent()) {
      tls.trustManager(trustedCertificates.get().toFile());
    }
    if (certChain.isPresent() && privateKey.isPresent()) {
      tls.keyManager(certChain.get().toFile(), privateKey.get().toFile());
    }
    return tls.build();
  }

  public static ChannelCredentials plaintext() {
    return InsecureChannelCredentials.create();
  }

  /** The service config: numbers are doubles and durations strings, as gRPC's JSON form wants. */
  static Map<String, ?> serviceConfig(int maxAttempts) {
    Map<String, Object> method = new java.util.HashMap<>();
    method.put("name", List.of(Map.of("service", CredentialBrokerGrpc.SERVICE_NAME)));
    if (maxAttempts > 1) {
      method.put("retryPolicy", Map.of(
          "maxAttempts", (double) maxAttempts,
          "initialBackoff", "0.2s",
          "maxBackoff", "2s",
          "backoffMultiplier", 2.0,
          "retryableStatusCodes", List.of("UNAVAILABLE")));
    }
    return Map.of(
        "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
        "methodConfig", List.of(method));
  }
}
