package cn.egov.isolation.capture;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes capture files the way tcpdump (pcap) and Wireshark/dumpcap (pcapng) do, in either byte
 * order. Used to make test fixtures and benchmark captures; the files open in Wireshark and
 * {@code tcpdump -r}.
 */
public final class PcapWriter implements Closeable {

    /** File format and byte order. */
    public enum Format { PCAP_MICROS, PCAP_NANOS, PCAPNG }

    /** One interface of a pcapng file (pcap files take the first's link type). */
    public record InterfaceSpec(String name, int linkType) {
    }

    private static final int SNAP_LENGTH = 262_144;

    private final OutputStream out;
    private final Format format;
    private final ByteOrder order;
    private final ByteBuffer scratch;

    private PcapWriter(OutputStream out, Format format, ByteOrder order) {
        this.out = out;
        this.format = format;
        this.order = order;
        this.scratch = ByteBuffer.allocate(64).order(order);
    }

    /** Opens {@code file} and writes the file header (pcap) or section and interface blocks (pcapng). */
    public static PcapWriter create(Path file, Format format, ByteOrder order, List<InterfaceSpec> interfaces) throws IOException {
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("a capture needs at least one interface");
        }
        PcapWriter w = new PcapWriter(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), format, order);
        if (format == Format.PCAPNG) {
            w.sectionHeader();
            for (InterfaceSpec i : interfaces) {
                w.interfaceBlock(i);
            }
        } else {
            w.pcapHeader(interfaces.get(0).linkType());
        }
        return w;
    }

    /** Writes one frame, captured whole. */
    public void frame(int interfaceIndex, long timeNanos, byte[] frame) throws IOException {
        frame(interfaceIndex, timeNanos, frame, frame.length, frame.length);
    }

    /** Writes one frame of which only {@code captured} bytes were kept (a snap length cut). */
    public void frame(int interfaceIndex, long timeNanos, byte[] frame, int captured, int original) throws IOException {
        ByteBuffer h = scratch.clear();
        switch (format) {
            case PCAP_MICROS, PCAP_NANOS -> {
                long seconds = timeNanos / 1_000_000_000L;
                long fraction = timeNanos % 1_000_000_000L;
                h.putInt((int) seconds).putInt((int) (format == Format.PCAP_NANOS ? fraction : fraction / 1000))
                        .putInt(captured).putInt(original);
                out.write(h.array(), 0, h.position());
                out.write(frame, 0, captured);
            }
            case PCAPNG -> {
                int padded = (captured + 3) & ~3;
                int total = 32 + padded;
                long micros = timeNanos / 1000;
                h.putInt(6).putInt(total).putInt(interfaceIndex).putInt((int) (micros >>> 32)).putInt((int) micros)
                        .putInt(captured).putInt(original);
                out.write(h.array(), 0, h.position());
                out.write(frame, 0, captured);
                out.write(new byte[padded - captured]);
                h.clear().putInt(total);
                out.write(h.array(), 0, 4);
            }
        }
    }

    /** Writes raw bytes: lets a test append a damaged or cut-off record. */
    public void raw(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void pcapHeader(int linkType) throws IOException {
        int magic = format == Format.PCAP_NANOS ? 0xa1b23c4d : 0xa1b2c3d4;
        ByteBuffer h = scratch.clear();
        h.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAP_LENGTH).putInt(linkType);
        out.write(h.array(), 0, h.position());
    }

    private void sectionHeader() throws IOException {
        ByteBuffer h = scratch.clear();
        h.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L).putInt(28);
        out.write(h.array(), 0, h.position());
    }

    private void interfaceBlock(InterfaceSpec spec) throws IOException {
        byte[] name = spec.name() == null ? new byte[0] : spec.name().getBytes(StandardCharsets.UTF_8);
        int nameOption = name.length == 0 ? 0 : 4 + ((name.length + 3) & ~3);
        int total = 16 + nameOption + 4 + 4; // header, options, end-of-options, trailing length
        ByteBuffer h = ByteBuffer.allocate(total).order(order);
        h.putInt(1).putInt(total).putShort((short) spec.linkType()).putShort((short) 0).putInt(SNAP_LENGTH);
        if (name.length > 0) {
            h.putShort((short) 2).putShort((short) name.length).put(name);
            h.position(h.position() + (((name.length + 3) & ~3) - name.length));
        }
        h.putShort((short) 0).putShort((short) 0).putInt(total);
        out.write(h.array(), 0, h.position());
    }
}
