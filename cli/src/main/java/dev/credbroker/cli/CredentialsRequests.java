package dev.credbroker.cli;

import dev.credbroker.client.SessionCredentials;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.TooLongFrameException;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.TooLongHttpLineException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Answers {@code GET /credentials} on one connection: 401 without an {@code Authorization}
 * header, 403 with a wrong one (compared in constant time), 404/405 for other paths and methods,
 * 503 when no usable credentials can be had, 400/414/431 for requests the decoder refused. The
 * credentials are read on {@code blocking}, since a provider with nothing valid waits for the
 * broker, and the event loop must keep serving every other connection meanwhile. Requests on one
 * connection are answered one at a time, in order; a client sending more than a few ahead is
 * disconnected.
 */
final class CredentialsRequests extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final int MAX_QUEUED = 4;

  /** What is kept of a request once its buffers are released. */
  private record Request(HttpMethod method, String uri, String authorization, boolean keepAlive,
      Throwable decodeFailure) {}

  private final byte[] token;
  private final Supplier<SessionCredentials> credentials;
  private final Clock clock;
  private final Executor blocking;
  private final Queue<Request> queued = new ArrayDeque<>();
  private boolean answering;

  CredentialsRequests(byte[] token, Supplier<SessionCredentials> credentials, Clock clock,
      Executor blocking) {
    this.token = token;
    this.credentials = credentials;
    this.clock = clock;
    this.blocking = blocking;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest r) {
    ctx.pipeline().get(RequestDeadlines.class).requestComplete();
    queued.add(new Request(r.method(), r.uri(), r.headers().get(HttpHeaderNames.AUTHORIZATION),
        HttpUtil.isKeepAlive(r), r.decoderResult().cause()));
    if (queued.size() > MAX_QUEUED) {
      ctx.close();
    } else if (!answering) {
      next(ctx);
    }
  }

  private void next(ChannelHandlerContext ctx) {
    Request r = queued.poll();
    if (r == null) {
      return;
    }
    answering = true;
    FullHttpResponse refusal = refusal(r);
    if (refusal != null) {
      send(ctx, r, refusal);
      return;
    }
    CompletableFuture.supplyAsync(this::answer, blocking).whenComplete((answer, error) ->
        ctx.executor().execute(() -> send(ctx, r, answer != null ? answer : unavailable(error))));
  }

  /** The answer that needs no credentials, or null when the credentials are wanted. */
  private FullHttpResponse refusal(Request r) {
    if (r.decodeFailure() != null) {
      return r.decodeFailure() instanceof TooLongHttpLineException
          ? JsonAnswers.error(HttpResponseStatus.REQUEST_URI_TOO_LONG, "UriTooLong", "request line too long")
          : r.decodeFailure() instanceof TooLongFrameException
          ? JsonAnswers.error(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
              "HeadersTooLarge", "request headers too large")
          : JsonAnswers.error(HttpResponseStatus.BAD_REQUEST, "BadRequest", "malformed request");
    }
    if (!ContainerEndpoint.PATH.equals(path(r.uri()))) {
      return JsonAnswers.error(HttpResponseStatus.NOT_FOUND, "NotFound",
          "the credentials are at " + ContainerEndpoint.PATH);
    }
    if (!HttpMethod.GET.equals(r.method())) {
      return JsonAnswers.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed", "use GET");
    }
    if (r.authorization() == null) {
      return JsonAnswers.error(HttpResponseStatus.UNAUTHORIZED, "Unauthorized", "the Authorization"
          + " header is missing; set AWS_CONTAINER_AUTHORIZATION_TOKEN or"
          + " AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    }
    if (!MessageDigest.isEqual(token, r.authorization().getBytes(StandardCharsets.UTF_8))) {
      return JsonAnswers.error(HttpResponseStatus.FORBIDDEN, "Forbidden", "wrong authorization token");
    }
    return null;
  }

  private FullHttpResponse answer() {
    try {
      SessionCredentials c = CredentialFormats.requireUsable(credentials.get(), clock.instant());
      return JsonAnswers.json(HttpResponseStatus.OK, CredentialFormats.container(c));
    } catch (RuntimeException e) {
      return unavailable(e);
    }
  }

  private static FullHttpResponse unavailable(Throwable e) {
    return JsonAnswers.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "CredentialsUnavailable",
        String.valueOf(e.getMessage()));
  }

  private void send(ChannelHandlerContext ctx, Request r, FullHttpResponse response) {
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

  /** The path as the JDK's URI reads it ({@code /credentials?x} and absolute forms included). */
  private static String path(String uri) {
    try {
      return new URI(uri).getPath();
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
