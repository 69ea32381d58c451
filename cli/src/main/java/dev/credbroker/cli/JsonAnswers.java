package dev.credbroker.cli;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The container endpoint's answers: JSON, never cached ({@code Cache-Control: no-store}: one holds
 * credentials), errors as {@code {"code": ..., "message": ...}}.
 */
final class JsonAnswers {
  private JsonAnswers() {}

  static FullHttpResponse json(HttpResponseStatus status, Map<String, Object> body) {
    return body(status, "application/json", JsonOutput.compact(body).getBytes(StandardCharsets.UTF_8));
  }

  private static FullHttpResponse body(HttpResponseStatus status, String type, byte[] bytes) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(bytes));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return r;
  }

  /** Plain text: IMDS answers its token and listings so. */
  static FullHttpResponse text(HttpResponseStatus status, String body) {
    return body(status, "text/plain", body.getBytes(StandardCharsets.UTF_8));
  }

  static FullHttpResponse error(HttpResponseStatus status, String code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", code);
    body.put("message", message);
    return json(status, body);
  }
}
