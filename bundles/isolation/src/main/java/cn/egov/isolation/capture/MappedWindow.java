package cn.egov.isolation.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A memory-mapped view of a file that may exceed the 2 GiB a single mapping can hold: it maps one
 * window at a time and moves it when a record would cross its end.
 */
final class MappedWindow {
    private static final long WINDOW_BYTES = 1L << 30;

    private final FileChannel channel;
    private final long size;
    private long start;
    private MappedByteBuffer buffer;
    private ByteBuffer big;

    MappedWindow(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
        map(0);
    }

    long size() {
        return size;
    }

    /** Whether {@code length} bytes exist at {@code position}. */
    boolean has(long position, long length) {
        return position >= 0 && length >= 0 && position + length <= size;
    }

    /**
     * Makes {@code length} bytes at {@code position} addressable and returns their offset in
     * {@link #big()}. The caller has checked {@link #has}.
     */
    int at(long position, int length) throws IOException {
        if (position < start || position + length > start + buffer.capacity()) {
            map(position);
        }
        return (int) (position - start);
    }

    /** The window (read with absolute bulk gets, so its position never matters). */
    ByteBuffer big() {
        return big;
    }

    private void map(long position) throws IOException {
        start = position;
        long length = Math.min(WINDOW_BYTES, size - position);
        buffer = channel.map(FileChannel.MapMode.READ_ONLY, position, length);
        big = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
    }
}
