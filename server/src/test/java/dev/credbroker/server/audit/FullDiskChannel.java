package dev.credbroker.server.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A real file channel that, while {@code full} is set, behaves like a file system out of space:
 * a write stores part of its bytes, then fails with ENOSPC's message, as write(2) does.
 */
final class FullDiskChannel extends FileChannel {
  private final FileChannel real;
  private volatile boolean full;

  FullDiskChannel(FileChannel real) {
    this.real = real;
  }

  void full(boolean value) {
    full = value;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (full) {
      if (src.remaining() > 1) {
        ByteBuffer half = src.duplicate();
        half.limit(src.position() + src.remaining() / 2);
        src.position(half.limit());
        real.write(half);
      }
      throw new IOException("No space left on device");
    }
    return real.write(src);
  }

  @Override
  public void force(boolean metaData) throws IOException {
    if (full) {
      throw new IOException("No space left on device");
    }
    real.force(metaData);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return real.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return real.read(dsts, offset, length);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    throw new UnsupportedOperationException("not used by the audit sink");
  }

  @Override
  public long position() throws IOException {
    return real.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    real.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return real.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    real.truncate(size);
    return this;
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return real.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    return real.transferFrom(src, position, count);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return real.read(dst, position);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    throw new UnsupportedOperationException("not used by the audit sink");
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return real.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return real.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return real.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    real.close();
  }
}
