package cn.egov.isolation.capture;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads pcap and pcapng files as tcpdump and Wireshark write them, in 256 KiB chunks of a
 * memory-mapped file ({@link FileChunks}), without allocating per frame (Pcap4J's offline path makes a JNA object
 * per packet and is ~40× slower). pcap: both byte orders, microsecond and nanosecond magic. pcapng: several sections
 * of either byte order; Interface Description (with {@code if_name} and {@code if_tsresol}),
 * Enhanced, Simple and obsolete Packet blocks; other block types are skipped.
 *
 * <p>A file that is not a capture at all is a {@link CaptureFormatException}. Damage after a good
 * start is not fatal: a record cut off by the end of the file is counted, and a record header
 * that cannot be right stops the reading with a note in {@link CaptureSummary#damage()}.
 */
public final class CaptureFileReader {

    /** libpcap's MAXIMUM_SNAPLEN: no real record is longer. */
    static final int MAX_RECORD_BYTES = 262_144;

    private static final int PCAP_MAGIC_MICROS = 0xa1b2c3d4;
    private static final int PCAP_MAGIC_NANOS = 0xa1b23c4d;
    private static final int PCAP_HEADER_BYTES = 24;
    private static final int PCAP_RECORD_HEADER_BYTES = 16;

    private static final int PCAPNG_SHB = 0x0A0D0D0A;
    private static final int PCAPNG_BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int PCAPNG_IDB = 1;
    private static final int PCAPNG_PB = 2;
    private static final int PCAPNG_SPB = 3;
    private static final int PCAPNG_EPB = 6;
    private static final int OPT_END = 0;
    private static final int OPT_IF_NAME = 2;
    private static final int OPT_IF_TSRESOL = 9;
    private static final int MAX_INTERFACES = 4096;

    private CaptureFileReader() {
    }

    public static CaptureSummary read(Path file, FrameHandler handler) throws IOException, CaptureFormatException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() < 4) {
                throw new CaptureFormatException(file, 0, "too short to be a pcap or pcapng file (" + channel.size() + " bytes)");
            }
            FileChunks w = new FileChunks(channel);
            int magic = w.big32(w.at(0, 4));
            if (magic == PCAPNG_SHB) {
                return readPcapng(file, w, handler);
            }
            return readPcap(file, w, magic, handler);
        } catch (InternalError e) {
            // The JVM's report of a fault on a mapped page: the file was cut between the size check
            // and the copy. Everything read since is suspect, so the whole read fails.
            if (e.getMessage() == null || !e.getMessage().contains("unsafe memory access")) {
                throw e;
            }
            throw new IOException("the capture file changed while it was read: " + e.getMessage(), e);
        }
    }

    private static CaptureSummary readPcap(Path file, FileChunks w, int magic, FrameHandler handler)
            throws IOException, CaptureFormatException {
        ByteOrder order;
        boolean nanos;
        if (magic == PCAP_MAGIC_MICROS || magic == PCAP_MAGIC_NANOS) {
            order = ByteOrder.BIG_ENDIAN;
            nanos = magic == PCAP_MAGIC_NANOS;
        } else if (Integer.reverseBytes(magic) == PCAP_MAGIC_MICROS || Integer.reverseBytes(magic) == PCAP_MAGIC_NANOS) {
            order = ByteOrder.LITTLE_ENDIAN;
            nanos = Integer.reverseBytes(magic) == PCAP_MAGIC_NANOS;
        } else {
            throw new CaptureFormatException(file, 0, String.format(
                    "not a pcap or pcapng file (magic 0x%08x; expected a1b2c3d4, a1b23c4d or 0a0d0d0a)", magic));
        }
        if (!w.has(0, PCAP_HEADER_BYTES)) {
            throw new CaptureFormatException(file, 0, "pcap file header cut short (" + w.size() + " of 24 bytes)");
        }
        w.order(order);
        int h = w.at(0, PCAP_HEADER_BYTES);
        int linkType = (int) w.u32(h + 20) & 0xFFFF; // upper bits carry FCS information
        handler.interfaceDeclared(0, linkType, null);

        PcapRecords records = new PcapRecords(w, handler, nanos ? 1 : 1000);
        // The loop stays tiny: the JIT compiles a method after a few hundred calls but a loop
        // only after tens of thousands of iterations, which left a 1 M-frame audit interpreted
        // for its first 60,000 frames.
        long pos = PCAP_HEADER_BYTES;
        while (pos >= 0 && pos < w.size()) {
            pos = records.next(pos);
        }
        return new CaptureSummary("pcap", records.frames, records.truncated, 0, records.damage);
    }

    /** Reads one pcap record at a time; see {@link #next}. */
    private static final class PcapRecords {
        private final FileChunks w;
        private final FrameHandler handler;
        private final long fracToNanos;
        long frames;
        long truncated;
        String damage;

        PcapRecords(FileChunks w, FrameHandler handler, long fracToNanos) {
            this.w = w;
            this.handler = handler;
            this.fracToNanos = fracToNanos;
        }

        /** Hands the record at {@code pos} to the handler; returns where the next starts, or -1 to stop. */
        long next(long pos) throws IOException {
            if (!w.has(pos, PCAP_RECORD_HEADER_BYTES)) {
                truncated++;
                return -1;
            }
            int r = w.at(pos, PCAP_RECORD_HEADER_BYTES);
            long seconds = w.u32(r);
            long fraction = w.u32(r + 4);
            long captured = w.u32(r + 8);
            long original = w.u32(r + 12);
            if (captured > MAX_RECORD_BYTES) {
                damage = "record at byte " + pos + " claims " + captured + " captured bytes (more than "
                        + MAX_RECORD_BYTES + "); the rest of the file is not read";
                return -1;
            }
            long dataPos = pos + PCAP_RECORD_HEADER_BYTES;
            if (!w.has(dataPos, captured)) {
                truncated++;
                return -1;
            }
            int d = w.at(dataPos, (int) captured);
            handler.frame(0, seconds * 1_000_000_000L + fraction * fracToNanos, w.buffer(), d, (int) captured,
                    (int) Math.min(original, Integer.MAX_VALUE));
            frames++;
            return dataPos + captured;
        }
    }

    /** Per-interface state of the current pcapng section. */
    private static final class Interface {
        final int globalIndex;
        final int snapLength;
        final long unitsPerSecond;

        Interface(int globalIndex, int snapLength, long unitsPerSecond) {
            this.globalIndex = globalIndex;
            this.snapLength = snapLength;
            this.unitsPerSecond = unitsPerSecond;
        }

        long nanos(long ticks) {
            if (unitsPerSecond == 1_000_000L) {
                return ticks * 1000L;
            }
            if (unitsPerSecond == 1_000_000_000L) {
                return ticks;
            }
            long seconds = ticks / unitsPerSecond;
            long rest = ticks % unitsPerSecond;
            return seconds * 1_000_000_000L + (long) ((double) rest * 1e9 / unitsPerSecond);
        }
    }

    private static CaptureSummary readPcapng(Path file, FileChunks w, FrameHandler handler)
            throws IOException, CaptureFormatException {
        long pos = 0;
        long frames = 0;
        long truncated = 0;
        long skipped = 0;
        String damage = null;
        Interface[] interfaces = new Interface[16];
        int sectionInterfaces = 0;
        int declared = 0;
        boolean firstSection = true;

        while (pos < w.size()) {
            if (!w.has(pos, 12)) {
                truncated++;
                break;
            }
            int head = w.at(pos, 12);
            int type = (int) w.u32(head);
            if (type == PCAPNG_SHB) {
                int bom = w.big32(head + 8);
                ByteOrder order;
                if (bom == PCAPNG_BYTE_ORDER_MAGIC) {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (Integer.reverseBytes(bom) == PCAPNG_BYTE_ORDER_MAGIC) {
                    order = ByteOrder.LITTLE_ENDIAN;
                } else if (firstSection) {
                    throw new CaptureFormatException(file, pos + 8, String.format("pcapng byte-order magic 0x%08x is neither 1a2b3c4d nor 4d3c2b1a", bom));
                } else {
                    damage = "section header at byte " + pos + " has a bad byte-order magic; the rest of the file is not read";
                    break;
                }
                w.order(order);
                head = w.at(pos, 12);
                sectionInterfaces = 0;
                firstSection = false;
            } else if (firstSection) {
                throw new CaptureFormatException(file, pos, "pcapng file does not start with a section header block");
            }
            long blockLength = w.u32(head + 4);
            if (blockLength < 12 || blockLength % 4 != 0 || blockLength > MAX_RECORD_BYTES + 64L + 65_536L) {
                if (pos == 0) {
                    throw new CaptureFormatException(file, 4, "pcapng section header length " + blockLength + " is impossible");
                }
                damage = "block at byte " + pos + " has an impossible length " + blockLength + "; the rest of the file is not read";
                break;
            }
            if (!w.has(pos, blockLength)) {
                truncated++;
                break;
            }
            int b = w.at(pos, (int) blockLength);
            int bodyLength = (int) blockLength - 12;
            int body = b + 8;
            switch (type) {
                case PCAPNG_SHB -> { /* handled above */ }
                case PCAPNG_IDB -> {
                    if (bodyLength < 8) {
                        damage = "interface block at byte " + pos + " is too short";
                        break;
                    }
                    int linkType = w.u16(body);
                    int snap = (int) w.u32(body + 4);
                    String name = null;
                    long unitsPerSecond = 1_000_000L;
                    int opt = body + 8;
                    int end = body + bodyLength;
                    while (opt + 4 <= end) {
                        int code = w.u16(opt);
                        int len = w.u16(opt + 2);
                        if (code == OPT_END || opt + 4 + len > end) {
                            break;
                        }
                        if (code == OPT_IF_NAME) {
                            name = new String(w.buffer(), opt + 4, len, StandardCharsets.UTF_8).replace("\0", "");
                        } else if (code == OPT_IF_TSRESOL && len >= 1) {
                            unitsPerSecond = unitsPerSecond(w.buffer()[opt + 4]);
                        }
                        opt += 4 + ((len + 3) & ~3);
                    }
                    if (declared >= MAX_INTERFACES) {
                        damage = "more than " + MAX_INTERFACES + " interfaces; the rest of the file is not read";
                        break;
                    }
                    if (sectionInterfaces == interfaces.length) {
                        interfaces = java.util.Arrays.copyOf(interfaces, interfaces.length * 2);
                    }
                    interfaces[sectionInterfaces++] = new Interface(declared, snap, unitsPerSecond);
                    handler.interfaceDeclared(declared++, linkType, name);
                }
                case PCAPNG_EPB, PCAPNG_PB -> {
                    int header = 20;
                    if (bodyLength < header) {
                        damage = "packet block at byte " + pos + " is too short";
                        break;
                    }
                    long ifId = type == PCAPNG_EPB ? w.u32(body) : w.u16(body);
                    long tsHigh = w.u32(body + 4);
                    long tsLow = w.u32(body + 8);
                    long captured = w.u32(body + 12);
                    long original = w.u32(body + 16);
                    if (ifId < 0 || ifId >= sectionInterfaces) {
                        damage = "packet block at byte " + pos + " names interface " + ifId + ", but the section declares "
                                + sectionInterfaces;
                        break;
                    }
                    if (captured > bodyLength - header) {
                        truncated++; // the block says it holds more than it does: a damaged frame
                    } else {
                        Interface itf = interfaces[(int) ifId];
                        handler.frame(itf.globalIndex, itf.nanos((tsHigh << 32) | tsLow), w.buffer(), body + header,
                                (int) captured, (int) Math.min(original, Integer.MAX_VALUE));
                        frames++;
                    }
                }
                case PCAPNG_SPB -> {
                    if (sectionInterfaces == 0 || bodyLength < 4) {
                        damage = "simple packet block at byte " + pos + " without an interface";
                        break;
                    }
                    long original = w.u32(body);
                    Interface itf = interfaces[0];
                    long captured = Math.min(original, bodyLength - 4L);
                    if (itf.snapLength > 0) {
                        captured = Math.min(captured, itf.snapLength);
                    }
                    handler.frame(itf.globalIndex, 0L, w.buffer(), body + 4, (int) captured, (int) Math.min(original, Integer.MAX_VALUE));
                    frames++;
                }
                default -> skipped++;
            }
            if (damage != null) {
                break;
            }
            pos += blockLength;
        }
        return new CaptureSummary("pcapng", frames, truncated, skipped, damage);
    }

    /** if_tsresol: high bit clear means 10^-n seconds, set means 2^-n. */
    private static long unitsPerSecond(byte resolution) {
        int n = resolution & 0x7F;
        if ((resolution & 0x80) == 0) {
            long units = 1;
            for (int i = 0; i < Math.min(n, 18); i++) {
                units *= 10;
            }
            return units;
        }
        return 1L << Math.min(n, 62);
    }
}
