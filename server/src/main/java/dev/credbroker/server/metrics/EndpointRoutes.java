package dev.credbroker.server.metrics;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufOutputStream;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** What the metrics listener answers: the scrape and the two probes; 404 for anything else. */
@ChannelHandler.Sharable
public final class EndpointRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

  private final PrometheusRegistry registry;
  private final Supplier<Probe> liveness;
  private final Supplier<Probe> readiness;

  public EndpointRoutes(PrometheusRegistry registry, Supplier<Probe> liveness,
      Supplier<Probe> readiness) {
    this.registry = registry;
    this.liveness = liveness;
    this.readiness = readiness;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request)
      throws IOException {
    FullHttpResponse response;
    if (!request.decoderResult().isSuccess()) {
      response = text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
    } else if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
      response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only\n");
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
    } else {
      String path = request.uri().replaceFirst("\\?.*$", "");
      response = switch (path) {
        case "/metrics" -> scrape(ctx);
        case "/healthz" -> probe(liveness.get());
        case "/readyz" -> probe(readiness.get());
        default -> text(HttpResponseStatus.NOT_FOUND, "not found; try /metrics, /healthz or /readyz\n");
      };
    }
    if (HttpMethod.HEAD.equals(request.method())) {
      FullHttpResponse head = response.replace(Unpooled.EMPTY_BUFFER); // keeps Content-Length
      response.release();
      response = head;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
    HttpUtil.setKeepAlive(response, keepAlive);
    var written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset, a read timeout, a failed handshake: nothing to answer
  }

  private FullHttpResponse scrape(ChannelHandlerContext ctx) throws IOException {
    ByteBuf body = ctx.alloc().buffer();
    try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
      TEXT.write(out, registry.scrape());
    } catch (IOException | RuntimeException e) {
      body.release();
      throw e;
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.OK, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT.getContentType());
    HttpUtil.setContentLength(response, body.readableBytes());
    return response;
  }

  private static FullHttpResponse probe(Probe probe) {
    return text(probe.ok() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
        (probe.ok() ? "ok\n" : "not ready\n") + String.join("\n", probe.details())
            + (probe.details().isEmpty() ? "" : "\n"));
  }

  private static FullHttpResponse text(HttpResponseStatus status, String text) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    HttpUtil.setContentLength(response, response.content().readableBytes());
    return response;
  }
}
