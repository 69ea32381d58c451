package dev.credbroker.client.internal;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * A channel with an I/O thread of its own, ended when the channel has terminated. gRPC's shared
 * event loop outlives the last channel by a second, and a JVM exiting meanwhile waits up to
 * 0.3 s for that thread, parked in {@code epoll_wait} (Java 17's exit waits for threads in
 * native code): a third of a short-lived {@code credential-process} call. One I/O thread is
 * plenty for a client of the broker. {@link #awaitTermination} ends the thread, so owners that
 * close a channel the usual way (shutdown, then await) leave nothing running.
 */
final class OwnLoopChannel extends ManagedChannel {
  private final ManagedChannel channel;
  private final EventLoopGroup loop;

  OwnLoopChannel(ManagedChannel channel, EventLoopGroup loop) {
    this.channel = channel;
    this.loop = loop;
  }

  @Override
  public ManagedChannel shutdown() {
    channel.shutdown();
    return this;
  }

  @Override
  public ManagedChannel shutdownNow() {
    channel.shutdownNow();
    return this;
  }

  @Override
  public boolean isShutdown() {
    return channel.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return channel.isTerminated() && loop.isTerminated();
  }

  /** Waits for the channel, then ends and waits for its I/O thread, all within {@code timeout}. */
  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long end = System.nanoTime() + unit.toNanos(timeout);
    if (!channel.awaitTermination(timeout, unit)) {
      return false;
    }
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    return loop.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  @Override
  public ConnectivityState getState(boolean requestConnection) {
    return channel.getState(requestConnection);
  }

  @Override
  public void notifyWhenStateChanged(ConnectivityState source, Runnable callback) {
    channel.notifyWhenStateChanged(source, callback);
  }

  @Override
  public void resetConnectBackoff() {
    channel.resetConnectBackoff();
  }

  @Override
  public void enterIdle() {
    channel.enterIdle();
  }

  @Override
  public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
    return channel.newCall(method, options);
  }

  @Override
  public String authority() {
    return channel.authority();
  }

  @Override
  public String toString() {
    return channel.toString();
  }
}
