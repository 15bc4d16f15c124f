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
    /**
     * Small enough that a chunk is still in the core's second-level cache while it is decoded: 4 MiB chunks
     * (refilled less often, but decoded from memory) took ~13 % more CPU to read and decode a million frames.
     * Records longer than a chunk get a buffer of their own size.
     */
    private static final int CHUNK_BYTES = 1 << 18;

    private final FileChannel channel;
    private final MappedWindow window;
    private byte[] buffer = new byte[CHUNK_BYTES];
    /** File position of {@code buffer[0]}. */
    private long start;
    /** File position just after the chunk's last byte. */
    private long end;
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
        if (position < start || position + length > end) {
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

    /**
     * The 32-bit field at {@code index} of the buffer, in the file's byte order, unsigned. These readers are
     * composed of small methods that C1 inlines (at most 35 bytes of bytecode each): four record header
     * fields a frame, so a call each in the C1-compiled code of a one-shot audit, when written out.
     */
    long u32(int index) {
        return (little ? little32(index) : big32(index)) & 0xFFFF_FFFFL;
    }

    /** The 16-bit field at {@code index}, in the file's byte order, unsigned. */
    int u16(int index) {
        return little ? le16(index) : be16(index);
    }

    private int little32(int index) {
        return le16(index + 2) << 16 | le16(index);
    }

    private int le16(int index) {
        return (buffer[index + 1] & 0xFF) << 8 | (buffer[index] & 0xFF);
    }

    private int be16(int index) {
        return (buffer[index] & 0xFF) << 8 | (buffer[index + 1] & 0xFF);
    }

    /** The 32-bit field at {@code index}, big-endian (magic numbers). */
    int big32(int index) {
        return be16(index) << 16 | be16(index + 2);
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
        end = position + n;
    }
}
