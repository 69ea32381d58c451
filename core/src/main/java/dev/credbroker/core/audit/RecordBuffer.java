package dev.credbroker.core.audit;

import dev.credbroker.core.digest.Sha256;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes of a batch of records, reused from batch to batch: records are sealed where they lie
 * (hashed in place) and the whole batch leaves in one write. Only the writer touches it, so unlike
 * {@code ByteArrayOutputStream} it takes no lock per byte. Public for the server's audit writer,
 * which seals records where they lie with {@link AuditChain#seal}.
 */
public final class RecordBuffer {
  /** Past this, a buffer grown by one huge batch is dropped rather than kept for the next. */
  private static final int KEEP_AT_MOST = 1 << 20;

  private byte[] buf;
  private int count;

  public RecordBuffer(int size) {
    buf = new byte[size];
  }

  public int size() {
    return count;
  }

  public void write(int b) {
    room(1);
    buf[count++] = (byte) b;
  }

  public void write(byte[] bytes) {
    room(bytes.length);
    System.arraycopy(bytes, 0, buf, count, bytes.length);
    count += bytes.length;
  }

  /** Appends text known to be ASCII (digits, hex, field names). */
  public void writeAscii(String ascii) {
    room(ascii.length());
    for (int i = 0; i < ascii.length(); i++) {
      buf[count++] = (byte) ascii.charAt(i);
    }
  }

  /** SHA-256 of the bytes from {@code start} to the current end. */
  byte[] sha256Since(int start) {
    return Sha256.of(buf, start, count - start);
  }

  /** The buffered bytes, for one write; valid until the next change to this buffer. */
  public ByteBuffer view() {
    return ByteBuffer.wrap(buf, 0, count);
  }

  /** Empties the buffer for the next batch. */
  public void clear() {
    if (buf.length > KEEP_AT_MOST) {
      buf = new byte[KEEP_AT_MOST / 16];
    }
    count = 0;
  }

  private void room(int more) {
    if (buf.length - count < more) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
    }
  }
}
