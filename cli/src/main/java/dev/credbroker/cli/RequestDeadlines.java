package dev.credbroker.cli;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The two clocks of one connection, first in its pipeline so it sees raw bytes: while the
 * connection waits for a request, the idle timeout runs; from a request's first byte until the
 * request is complete, the header timeout runs (a client trickling a header byte by byte is
 * stopped by it, where an idle timer would be reset by every byte). While a request is being
 * answered neither runs. Confined to the connection's event loop, like every handler.
 */
final class RequestDeadlines extends ChannelInboundHandlerAdapter {
  /** Where the connection is: waiting for a request, reading one, or answering one. */
  enum Phase { WAITING, READING, ANSWERING }

  private final EndpointLimits limits;
  private ChannelHandlerContext ctx;
  private Phase phase = Phase.WAITING;
  private Future<?> timer;

  RequestDeadlines(EndpointLimits limits) {
    this.limits = limits;
  }

  Phase phase() {
    return phase;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(limits.idleTimeout());
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (phase == Phase.WAITING && msg instanceof ByteBuf b && b.isReadable()) {
      phase = Phase.READING;
      arm(limits.headerTimeout());
    }
    super.channelRead(ctx, msg);
  }

  /** A whole request arrived: no clock runs while it is answered. */
  void requestComplete() {
    phase = Phase.ANSWERING;
    cancel();
  }

  /** The answer is written and the connection kept: it waits for the next request. */
  void answered() {
    phase = Phase.WAITING;
    arm(limits.idleTimeout());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  private void arm(Duration after) {
    cancel();
    timer = ctx.executor().schedule(this::expire, after.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void expire() {
    if (phase == Phase.READING) {
      ctx.channel().writeAndFlush(JsonAnswers.error(HttpResponseStatus.REQUEST_TIMEOUT, "RequestTimeout",
          "the request was not complete within " + limits.headerTimeout().toMillis() + " ms"))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (phase == Phase.WAITING) {
      ctx.close();
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
