package cn.egov.isolation.capture;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * The bytes of a capture file, a few MiB at a time, read into one reused array: decoding a byte
 * array is a field access per byte where a buffer is a chain of calls, which matters most while
 * the JIT compiler has not compiled the decoder yet. Plain reads, not a memory mapping: a mapping
 * saves a copy (a fifth of the audit's rate) but turns a capture that shrinks while it is read
 * (someone empties it) into an asynchronous JVM error at an arbitrary point, and shows the whole
 * file as resident memory. Multi-byte header fields are read in the file's byte order.
 */
final class FileChunks {
    /** Large enough that refills are rare, small enough to stay in the last-level cache's reach. */
    private static final int CHUNK_BYTES = 4 << 20;

    private final FileChannel channel;
    private final long size;
    private byte[] buffer = new byte[CHUNK_BYTES];
    /** File position of {@code buffer[0]}. */
    private long start;
    private int length;
    private boolean little;

    FileChunks(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
    }

    /** The file's size when it was opened. */
    long size() {
        return size;
    }

    /** Whether {@code length} bytes exist at {@code position}. */
    boolean has(long position, long length) {
        return position >= 0 && length >= 0 && position + length <= size;
    }

    /**
     * Makes the {@code length} bytes at {@code position} present in {@link #buffer()} and returns
     * their index there. The caller has checked {@link #has}.
     */
    int at(long position, int length) throws IOException {
        if (position < start || position + length > start + this.length) {
            fill(position, length);
        }
        return (int) (position - start);
    }

    /** The current chunk; valid until the next {@link #at}. */
    byte[] buffer() {
        return buffer;
    }

    void order(ByteOrder order) {
        little = order == ByteOrder.LITTLE_ENDIAN;
    }

    /** The 32-bit field at {@code index} of the buffer, in the file's byte order, unsigned. */
    long u32(int index) {
        long b0 = buffer[index] & 0xFF;
        long b1 = buffer[index + 1] & 0xFF;
        long b2 = buffer[index + 2] & 0xFF;
        long b3 = buffer[index + 3] & 0xFF;
        return little ? b3 << 24 | b2 << 16 | b1 << 8 | b0 : b0 << 24 | b1 << 16 | b2 << 8 | b3;
    }

    /** The 16-bit field at {@code index}, in the file's byte order, unsigned. */
    int u16(int index) {
        int b0 = buffer[index] & 0xFF;
        int b1 = buffer[index + 1] & 0xFF;
        return little ? b1 << 8 | b0 : b0 << 8 | b1;
    }

    /** The 32-bit field at {@code index}, big-endian (magic numbers). */
    int big32(int index) {
        return (buffer[index] & 0xFF) << 24 | (buffer[index + 1] & 0xFF) << 16 | (buffer[index + 2] & 0xFF) << 8
                | (buffer[index + 3] & 0xFF);
    }

    private void fill(long position, int needed) throws IOException {
        int n = (int) Math.min(Math.max(buffer.length, needed), size - position);
        if (n > buffer.length) {
            buffer = new byte[n]; // a record longer than a chunk (up to libpcap's maximum)
        }
        ByteBuffer target = ByteBuffer.wrap(buffer, 0, n);
        while (target.hasRemaining()) {
            if (channel.read(target, position + target.position()) < 0) {
                throw new EOFException("the capture file shrank while it was read (" + size + " bytes when opened, "
                        + (position + target.position()) + " now)");
            }
        }
        start = position;
        length = n;
    }
}
