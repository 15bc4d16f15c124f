package cn.egov.isolation.capture;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * The bytes of a capture file, a few MiB at a time, copied from a memory mapping into one reused
 * array: decoding a byte array is a field access per byte where a buffer is a chain of calls,
 * which matters most while the JIT compiler has not compiled the decoder yet; and a mapping is
 * one copy where reads are two (about a fifth of the audit's rate). Before each chunk the file's
 * size is checked, so that a capture emptied while it is read is an {@link EOFException} rather
 * than a fault on a vanished page. Multi-byte header fields are read in the file's byte order.
 */
final class FileChunks {
    /** Large enough that refills are rare, small enough to stay in the last-level cache's reach. */
    private static final int CHUNK_BYTES = 4 << 20;

    private final FileChannel channel;
    private final MappedWindow window;
    private byte[] buffer = new byte[CHUNK_BYTES];
    /** File position of {@code buffer[0]}. */
    private long start;
    private int length;
    private boolean little;

    FileChunks(FileChannel channel) throws IOException {
        this.channel = channel;
        this.window = new MappedWindow(channel);
    }

    long size() {
        return window.size();
    }

    /** Whether {@code length} bytes exist at {@code position}. */
    boolean has(long position, long length) {
        return window.has(position, length);
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
        int n = (int) Math.min(Math.max(buffer.length, needed), window.size() - position);
        if (n > buffer.length) {
            buffer = new byte[n]; // a record longer than a chunk (up to libpcap's maximum)
        }
        long now = channel.size();
        if (now < position + n) {
            throw new EOFException("the capture file shrank while it was read (" + window.size() + " bytes when opened, "
                    + now + " now)");
        }
        int offset = window.at(position, n);
        window.big().get(offset, buffer, 0, n);
        start = position;
        length = n;
    }
}
