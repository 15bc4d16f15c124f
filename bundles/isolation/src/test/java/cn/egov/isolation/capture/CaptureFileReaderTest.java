package cn.egov.isolation.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CaptureFileReaderTest {

    @TempDir
    Path dir;

    private static final long T0 = 1_764_230_400_123_456_789L;

    record Seen(int iface, long time, int captured, int original, int firstByte) {
    }

    static class Recorder implements FrameHandler {
        final List<String> interfaces = new ArrayList<>();
        final List<Seen> frames = new ArrayList<>();

        @Override
        public void interfaceDeclared(int index, int linkType, String name) {
            interfaces.add(index + ":" + linkType + ":" + name);
        }

        @Override
        public void frame(int interfaceIndex, long timeNanos, byte[] data, int offset, int capturedLength, int originalLength) {
            frames.add(new Seen(interfaceIndex, timeNanos, capturedLength, originalLength, data[offset] & 0xFF));
        }
    }

    private static byte[] frame(int first, int length) {
        byte[] f = new byte[length];
        f[0] = (byte) first;
        return f;
    }

    @ParameterizedTest
    @CsvSource({"PCAP_MICROS,BIG_ENDIAN", "PCAP_MICROS,LITTLE_ENDIAN", "PCAP_NANOS,BIG_ENDIAN", "PCAP_NANOS,LITTLE_ENDIAN",
            "PCAPNG,BIG_ENDIAN", "PCAPNG,LITTLE_ENDIAN"})
    void readsEveryFormatAndByteOrder(PcapWriter.Format format, String order) throws Exception {
        Path file = dir.resolve("f");
        ByteOrder bo = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        try (PcapWriter w = PcapWriter.create(file, format, bo, List.of(
                new PcapWriter.InterfaceSpec("eth1", LinkType.ETHERNET), new PcapWriter.InterfaceSpec("eth2", LinkType.RAW)))) {
            w.frame(0, T0, frame(0x11, 60));
            w.frame(format == PcapWriter.Format.PCAPNG ? 1 : 0, T0 + 1_000_000, frame(0x22, 61), 61, 1500);
            w.frame(0, T0 + 2_000_000, frame(0x33, 63));
        }
        Recorder r = new Recorder();
        CaptureSummary s = CaptureFileReader.read(file, r);
        assertEquals(3, s.frames());
        assertNull(s.damage());
        assertEquals(0, s.truncatedRecords());
        long precision = format == PcapWriter.Format.PCAP_NANOS ? 1 : 1000;
        assertEquals(T0 / precision * precision, r.frames.get(0).time());
        assertEquals(0x22, r.frames.get(1).firstByte());
        assertEquals(61, r.frames.get(1).captured());
        assertEquals(1500, r.frames.get(1).original());
        assertEquals(63, r.frames.get(2).captured());
        if (format == PcapWriter.Format.PCAPNG) {
            assertEquals(List.of("0:1:eth1", "1:101:eth2"), r.interfaces);
            assertEquals(1, r.frames.get(1).iface());
            assertEquals("pcapng", s.format());
        } else {
            assertEquals(List.of("0:1:null"), r.interfaces);
            assertEquals("pcap", s.format());
        }
    }

    @Test
    void recordCutOffByTheEndOfTheFileIsCountedNotFatal() throws Exception {
        Path file = dir.resolve("cut.pcap");
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.Format.PCAP_MICROS, ByteOrder.LITTLE_ENDIAN,
                List.of(new PcapWriter.InterfaceSpec(null, LinkType.ETHERNET)))) {
            w.frame(0, T0, frame(1, 60));
            w.frame(0, T0, frame(2, 60));
        }
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, all.length - 10));
        Recorder r = new Recorder();
        CaptureSummary s = CaptureFileReader.read(file, r);
        assertEquals(1, s.frames());
        assertEquals(1, s.truncatedRecords());
    }

    @Test
    void impossibleRecordLengthStopsWithANoteButKeepsWhatWasRead() throws Exception {
        Path file = dir.resolve("bad.pcap");
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.Format.PCAP_MICROS, ByteOrder.BIG_ENDIAN,
                List.of(new PcapWriter.InterfaceSpec(null, LinkType.ETHERNET)))) {
            w.frame(0, T0, frame(1, 60));
            w.raw(ByteBuffer.allocate(16).putInt(1).putInt(0).putInt(0x7fff_0000).putInt(60).array());
            w.raw(new byte[100]);
        }
        Recorder r = new Recorder();
        CaptureSummary s = CaptureFileReader.read(file, r);
        assertEquals(1, s.frames());
        assertNotNull(s.damage());
        assertTrue(s.damage().contains("byte 100"), s.damage());
    }

    @Test
    void aFileThatIsNoCaptureIsABadInputNamingTheFile() throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "hello, this is not a capture");
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> CaptureFileReader.read(file, new Recorder()));
        assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains("magic"), e.getMessage());
        Path empty = dir.resolve("empty.pcap");
        Files.write(empty, new byte[0]);
        assertThrows(CaptureFormatException.class, () -> CaptureFileReader.read(empty, new Recorder()));
    }

    @Test
    void pcapngSimplePacketBlocksAndUnknownBlocksAndSecondSectionInOtherByteOrder() throws Exception {
        Path file = dir.resolve("mixed.pcapng");
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.Format.PCAPNG, ByteOrder.LITTLE_ENDIAN,
                List.of(new PcapWriter.InterfaceSpec("eth1", LinkType.ETHERNET)))) {
            w.frame(0, T0, frame(1, 60));
            // a Name Resolution Block (type 4), which the reader skips
            w.raw(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(4).putInt(16).putInt(0).putInt(16).array());
            // a Simple Packet Block: type 3, length 16 + 64, original length 64
            ByteBuffer spb = ByteBuffer.allocate(80).order(ByteOrder.LITTLE_ENDIAN).putInt(3).putInt(80).putInt(64);
            spb.put((byte) 0x44).position(76);
            w.raw(spb.putInt(80).array());
        }
        Path second = dir.resolve("second.pcapng");
        try (PcapWriter w = PcapWriter.create(second, PcapWriter.Format.PCAPNG, ByteOrder.BIG_ENDIAN,
                List.of(new PcapWriter.InterfaceSpec("eth9", LinkType.RAW)))) {
            w.frame(0, T0, frame(0x45, 40));
        }
        Files.write(file, Files.readAllBytes(second), java.nio.file.StandardOpenOption.APPEND);
        Recorder r = new Recorder();
        CaptureSummary s = CaptureFileReader.read(file, r);
        assertNull(s.damage());
        assertEquals(3, s.frames());
        assertEquals(1, s.skippedBlocks());
        assertEquals(0x44, r.frames.get(1).firstByte());
        assertEquals(64, r.frames.get(1).captured());
        assertEquals(List.of("0:1:eth1", "1:101:eth9"), r.interfaces);
        assertEquals(1, r.frames.get(2).iface());
        assertEquals(T0 / 1000 * 1000, r.frames.get(2).time());
    }

    @Test
    void readsWhatTcpdumpWrites() throws Exception {
        // tcpdump rewrites our file in its own pcap writer: proves the two agree on the format
        Path ours = dir.resolve("ours.pcap");
        try (PcapWriter w = PcapWriter.create(ours, PcapWriter.Format.PCAPNG, ByteOrder.LITTLE_ENDIAN,
                List.of(new PcapWriter.InterfaceSpec("eth1", LinkType.ETHERNET)))) {
            for (int i = 0; i < 5; i++) {
                w.frame(0, T0 + i, FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                        .ip("10.1.0.5", "10.2.0.9").udp(1000 + i, 53, 10).build());
            }
        }
        Path theirs = dir.resolve("theirs.pcap");
        Process p = new ProcessBuilder("tcpdump", "-r", ours.toString(), "-w", theirs.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        Recorder r = new Recorder();
        CaptureSummary s = CaptureFileReader.read(theirs, r);
        assertEquals(5, s.frames());
        assertEquals(List.of("0:1:null"), r.interfaces);
    }

    /** A capture truncated while it is read (someone empties it) is an IOException, not a JVM crash. */
    @Test
    void aFileThatShrinksWhileReadIsAClearError() throws Exception {
        Path file = dir.resolve("shrinking.pcap");
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.Format.PCAP_MICROS, ByteOrder.LITTLE_ENDIAN,
                List.of(new PcapWriter.InterfaceSpec(null, LinkType.ETHERNET)))) {
            for (int i = 0; i < 10_000; i++) { // 10 MB: many chunks
                w.frame(0, T0 + i, frame(0x22, 1000));
            }
        }
        Recorder truncating = new Recorder() {
            @Override
            public void frame(int interfaceIndex, long timeNanos, byte[] data, int offset, int capturedLength, int originalLength) {
                if (frames.isEmpty()) {
                    try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                        c.truncate(100_000);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                super.frame(interfaceIndex, timeNanos, data, offset, capturedLength, originalLength);
            }
        };
        IOException e = assertThrows(IOException.class, () -> CaptureFileReader.read(file, truncating));
        assertTrue(e.getMessage().contains("shrank while it was read"), e.getMessage());
        // the first chunk (256 KiB) holds ~250 of these frames
        assertTrue(truncating.frames.size() > 200, "the frames of the first chunk were delivered: " + truncating.frames.size());
    }
}
