package dev.credbroker.cli;

import dev.credbroker.client.SessionCredentials;
import dev.credbroker.client.internal.DaemonThreads;
import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.SocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpObjectAggregator;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpRequestDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseEncoder;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The local credentials endpoint: the container credentials endpoint for
 * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} ({@link ContainerRoutes}) and, when asked for, the
 * credentials part of IMDSv2 ({@link ImdsRoutes}), as its {@link Route.Router} decides. It binds
 * to a loopback address only (the SDKs accept plain http only there).
 *
 * <p>Any local process can connect, so the server is built to survive hostile clients (the JDK's
 * HttpServer gave each request a thread for as long as its header took, and two stalled clients
 * blocked it): one Netty event-loop thread serves every connection; a request's header has
 * {@link EndpointLimits#headerTimeout()} to arrive and an idle connection
 * {@link EndpointLimits#idleTimeout()} ({@link RequestDeadlines}); connections are capped in total
 * and per address, the oldest unanswered one making room for a newcomer ({@link ConnectionGate});
 * headers and bodies are bounded. Netty is grpc-netty-shaded's relocated copy: the client library
 * already depends on it, so the endpoint adds no dependency, and no Netty version can clash with
 * an application's own.
 */
final class ContainerEndpoint implements AutoCloseable {
  static final String PATH = ContainerRoutes.PATH;
  /** A GET has no body; anything bigger than this is refused (413) by the aggregator. */
  private static final int MAX_BODY_BYTES = 1024;

  private final EventLoopGroup loop;
  private final ExecutorService blocking;
  private final Channel server;

  private ContainerEndpoint(EventLoopGroup loop, ExecutorService blocking, Channel server) {
    this.loop = loop;
    this.blocking = blocking;
    this.server = server;
  }

  /** One role at {@code /credentials}: starts on {@code bind:port} (0 for a free port). */
  static ContainerEndpoint start(InetAddress bind, int port, String token,
      Supplier<SessionCredentials> credentials, Clock clock) throws IOException {
    return start(bind, port, token, credentials, clock, EndpointLimits.DEFAULTS);
  }

  static ContainerEndpoint start(InetAddress bind, int port, String token,
      Supplier<SessionCredentials> credentials, Clock clock, EndpointLimits limits)
      throws IOException {
    return start(bind, port, new ContainerRoutes(token, Map.of("default", credentials)), clock, limits);
  }

  /** Serves what {@code router} decides; refuses any address that is not loopback. */
  static ContainerEndpoint start(InetAddress bind, int port, Route.Router router, Clock clock,
      EndpointLimits limits) throws IOException {
    if (!bind.isLoopbackAddress()) {
      throw new IllegalArgumentException("refusing to serve credentials on " + bind.getHostAddress()
          + ": only a loopback address (127.0.0.1, ::1) keeps them on this machine");
    }
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1,
        DaemonThreads.named("credbroker-endpoint"), NioIoHandler.newFactory());
    ExecutorService blocking = Executors.newSingleThreadExecutor(
        DaemonThreads.named("credbroker-endpoint-credentials"));
    ConnectionGate gate = new ConnectionGate(limits);
    ServerBootstrap b = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new RequestDeadlines(limits), gate,
                new HttpRequestDecoder(limits.maxHeaderBytes(), limits.maxHeaderBytes(), 8192),
                new HttpResponseEncoder(),
                new HttpObjectAggregator(MAX_BODY_BYTES),
                new CredentialsRequests(router, clock, blocking));
          }
        });
    try {
      Channel server = b.bind(new InetSocketAddress(bind, port)).syncUninterruptibly().channel();
      return new ContainerEndpoint(loop, blocking, server);
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      blocking.shutdownNow();
      if (e instanceof IOException io) {
        throw io;
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(e);
    }
  }

  /** The container endpoint of the first role. */
  URI uri() {
    return uri(PATH);
  }

  /** {@code path} on this endpoint, e.g. {@code /credentials/payments} or {@code /} for IMDS. */
  URI uri(String path) {
    InetSocketAddress a = (InetSocketAddress) server.localAddress();
    String host = a.getAddress() instanceof Inet6Address ? "[" + a.getAddress().getHostAddress() + "]"
        : a.getAddress().getHostAddress();
    return URI.create("http://" + host + ":" + a.getPort() + path);
  }

  /** Stops accepting, closes every connection and stops the threads. */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    blocking.shutdownNow();
  }
}
