package dev.credbroker.server.aws;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Refuses a response body larger than a limit while it is read, so a misbehaving endpoint cannot
 * make the broker buffer an unbounded body before the value's own size is checked.
 */
final class ResponseLimit implements ExecutionInterceptor {
  private final long maxBytes;

  ResponseLimit(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
      ExecutionAttributes attributes) {
    return context.responseBody().map(Bounded::new);
  }

  /** A response that went over the limit; its message names the limit, never the content. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long maxBytes) {
      super("sent a response over " + maxBytes + " bytes; refused");
    }
  }

  private final class Bounded extends FilterInputStream {
    private long read;

    Bounded(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) throws TooLarge {
      read += n;
      if (read > maxBytes) {
        throw new TooLarge(maxBytes);
      }
    }
  }
}
