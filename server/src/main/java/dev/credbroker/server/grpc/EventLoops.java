package dev.credbroker.server.grpc;

import dev.credbroker.server.audit.Deferral;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The server's network threads (epoll where the platform has it, else NIO), owned by the broker
 * rather than left to gRPC's defaults so that work can be deferred to the end of an event loop's
 * current turn ({@link Deferral}): requests run on these threads (direct executor), so the audit
 * records of every request one read brought in can leave in one write.
 */
public final class EventLoops implements Deferral, AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Class<? extends ServerChannel> channelType;
  private final ThreadLocal<EventExecutor> current = ThreadLocal.withInitial(this::find);

  private EventLoops(IoHandlerFactory io, Class<? extends ServerChannel> channelType) {
    // Netty's thread factory: its FastThreadLocalThreads keep per-thread buffer caches.
    this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("credbroker-accept",
        true), io);
    // Netty's own default size, as gRPC would have chosen.
    this.workers = new MultiThreadIoEventLoopGroup(2 * Runtime.getRuntime().availableProcessors(),
        new DefaultThreadFactory("credbroker-net", true), io);
    this.channelType = channelType;
  }

  public static EventLoops start() {
    return Epoll.isAvailable()
        ? new EventLoops(EpollIoHandler.newFactory(), EpollServerSocketChannel.class)
        : new EventLoops(NioIoHandler.newFactory(), NioServerSocketChannel.class);
  }

  /** Serves {@code builder}'s listener on these threads. */
  void configure(NettyServerBuilder builder) {
    builder.bossEventLoopGroup(boss).workerEventLoopGroup(workers).channelType(channelType);
  }

  @Override
  public boolean deferOnThisThread(Runnable task) {
    EventExecutor loop = current.get();
    if (loop == null) {
      return false;
    }
    try {
      loop.execute(task); // from the loop's own thread: queued behind the current turn, no wake-up
      return true;
    } catch (RejectedExecutionException e) {
      return false; // the loop is shutting down: the caller does the work now
    }
  }

  @Override
  public java.util.concurrent.Executor ownerOfThisThread() {
    return current.get();
  }

  /** One of the network threads, for tests that need to run something on one. */
  EventExecutor anyWorker() {
    return workers.next();
  }

  private EventExecutor find() {
    for (EventExecutor loop : workers) {
      if (loop.inEventLoop()) {
        return loop;
      }
    }
    return null;
  }

  /** Stops the threads once the server using them has stopped; queued work still runs. */
  @Override
  public void close() {
    long waitMillis = TimeUnit.SECONDS.toMillis(5);
    boss.shutdownGracefully(0, waitMillis, TimeUnit.MILLISECONDS);
    workers.shutdownGracefully(0, waitMillis, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(waitMillis);
  }
}
