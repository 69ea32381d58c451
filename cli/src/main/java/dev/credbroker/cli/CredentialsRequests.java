package dev.credbroker.cli;

import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.TooLongFrameException;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.TooLongHttpLineException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Answers the requests of one connection, as its {@link Route.Router} decides: at once, or with a
 * role's credentials, read on {@code blocking} since a provider with nothing valid waits for the
 * broker and the event loop must keep serving every other connection meanwhile (503 when no
 * usable credentials can be had); 400/414/431 for requests the decoder refused. Requests on one
 * connection are answered one at a time, in order; a client sending more than a few ahead is
 * disconnected.
 */
final class CredentialsRequests extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final int MAX_QUEUED = 4;

  private final Route.Router router;
  private final Clock clock;
  private final Executor blocking;
  private final Queue<EndpointRequest> queued = new ArrayDeque<>();
  private boolean answering;

  CredentialsRequests(Route.Router router, Clock clock, Executor blocking) {
    this.router = router;
    this.clock = clock;
    this.blocking = blocking;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest r) {
    ctx.pipeline().get(RequestDeadlines.class).requestComplete();
    queued.add(new EndpointRequest(r.method(), r.uri(), r.headers().copy(),
        HttpUtil.isKeepAlive(r), r.decoderResult().cause()));
    if (queued.size() > MAX_QUEUED) {
      ctx.close();
    } else if (!answering) {
      next(ctx);
    }
  }

  private void next(ChannelHandlerContext ctx) {
    EndpointRequest r = queued.poll();
    if (r == null) {
      return;
    }
    answering = true;
    Route route = r.decodeFailure() != null ? new Route.Answer(refusal(r.decodeFailure())) : router.route(r);
    if (route instanceof Route.WithCredentials wanted) {
      CompletableFuture.supplyAsync(() -> answer(wanted), blocking).whenComplete((answer, error) ->
          ctx.executor().execute(() -> send(ctx, r, answer != null ? answer : unavailable(error))));
    } else {
      send(ctx, r, ((Route.Answer) route).response());
    }
  }

  private static FullHttpResponse refusal(Throwable decodeFailure) {
    return decodeFailure instanceof TooLongHttpLineException
        ? JsonAnswers.error(HttpResponseStatus.REQUEST_URI_TOO_LONG, "UriTooLong", "request line too long")
        : decodeFailure instanceof TooLongFrameException
        ? JsonAnswers.error(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            "HeadersTooLarge", "request headers too large")
        : JsonAnswers.error(HttpResponseStatus.BAD_REQUEST, "BadRequest", "malformed request");
  }

  private FullHttpResponse answer(Route.WithCredentials wanted) {
    try {
      return wanted.render().apply(CredentialFormats.requireUsable(wanted.source().get(), clock.instant()));
    } catch (RuntimeException e) {
      return unavailable(e);
    }
  }

  private static FullHttpResponse unavailable(Throwable e) {
    return JsonAnswers.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "CredentialsUnavailable",
        String.valueOf(e.getMessage()));
  }

  private void send(ChannelHandlerContext ctx, EndpointRequest r, FullHttpResponse response) {
    boolean keepAlive = r.keepAlive() && r.decodeFailure() == null;
    HttpUtil.setKeepAlive(response, keepAlive);
    ctx.writeAndFlush(response).addListener((ChannelFutureListener) written -> {
      if (!keepAlive || !written.isSuccess()) {
        written.channel().close();
        return;
      }
      answering = false;
      if (queued.isEmpty()) {
        ctx.pipeline().get(RequestDeadlines.class).answered();
      } else {
        next(ctx);
      }
    });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset by the peer, mostly; nothing worth a log line per connection
  }

}
