package dev.credbroker.server.metrics;

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
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpServerCodec;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The metrics listener: {@code GET /metrics} (Prometheus text format), {@code /healthz}
 * (liveness) and {@code /readyz} (readiness). It serves scrapers and probes, so it is built to
 * survive any local client rather than to be fast: one Netty event-loop thread (grpc-netty-shaded's
 * copy, so no new dependency) serves every connection, a connection that sends nothing for
 * {@link #IDLE_SECONDS} is closed, at most {@link ConnectionCap#MAX_CONNECTIONS} are open at once,
 * request heads are capped at 8 KiB and bodies at 1 KiB.
 */
public final class MetricsEndpoint implements AutoCloseable {
  static final int IDLE_SECONDS = 10;
  private static final int MAX_HEAD_BYTES = 8192;
  private static final int MAX_BODY_BYTES = 1024;

  private final EventLoopGroup loop;
  private final Channel server;

  private MetricsEndpoint(EventLoopGroup loop, Channel server) {
    this.loop = loop;
    this.server = server;
  }

  /**
   * Binds {@code address}; with {@code tls}, every connection is TLS with the context the supplier
   * gives when it arrives (so a reloaded certificate applies to new connections).
   */
  public static MetricsEndpoint start(InetSocketAddress address,
      Optional<java.util.function.Supplier<SslContext>> tls, EndpointRoutes routes,
      ThreadFactory threads) throws IOException {
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, threads, NioIoHandler.newFactory());
    ConnectionCap cap = new ConnectionCap();
    ServerBootstrap b = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 128)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(cap, new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS));
            tls.ifPresent(context -> ch.pipeline().addLast(context.get().newHandler(ch.alloc())));
            ch.pipeline().addLast(new HttpServerCodec(MAX_HEAD_BYTES, MAX_HEAD_BYTES, 8192),
                new HttpObjectAggregator(MAX_BODY_BYTES), routes);
          }
        });
    try {
      return new MetricsEndpoint(loop, b.bind(address).syncUninterruptibly().channel());
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      if (e instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot bind " + address + ": " + e.getMessage(), e);
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
