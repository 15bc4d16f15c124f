package cn.egov.isolation.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.isolation.capture.CaptureFormatException;
import cn.egov.isolation.capture.DecodedPacket;
import cn.egov.isolation.capture.FrameBuilder;
import cn.egov.isolation.capture.LinkType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-thread audit (read and decode | classify) reports exactly what the one-thread audit
 * reports, in the same order, including for interfaces a pcapng file declares in the middle:
 * a declaration must reach the classifier after the frames before it and before the frames
 * after it.
 */
class OfflineAuditThreadsTest {

    private static final String HOST_MAC = "02:00:00:00:01:05";
    private static final String BOX_MAC = "02:00:00:00:00:01";

    @TempDir
    Path dir;

    @Test
    void twoThreadsFindWhatOneThreadFindsInTheSameOrder() throws Exception {
        Path file = dir.resolve("mid-stream-interfaces.pcapng");
        Files.write(file, capture());

        AuditReport one = new OfflineAudit(LabPolicy.policy(), "lab", null, OfflineAudit.DEFAULT_FLOW_TABLE, 1).run(file, null);
        AuditReport two = new OfflineAudit(LabPolicy.policy(), "lab", null, OfflineAudit.DEFAULT_FLOW_TABLE, 2).run(file, null);

        assertEquals(30_003, one.frames());
        assertEquals(one.findings(), two.findings());
        assertEquals(one.frames(), two.frames());
        assertEquals(one.ipPackets(), two.ipPackets());
        Map<FindingRule, Long> byRule = two.findings().stream()
                .collect(Collectors.groupingBy(e -> e.finding().rule(), Collectors.counting()));
        // 40 outbound flows on eth1; 25 bypass flows, only visible once eth0 is named; eth7 has no zone
        assertEquals(Map.of(FindingRule.OUTBOUND, 40L, FindingRule.BACKBONE_BYPASS, 25L, FindingRule.UNZONED_INTERFACE, 1L), byRule);
        Map<FindingRule, Long> packets = two.findings().stream()
                .collect(Collectors.groupingBy(e -> e.finding().rule(), Collectors.summingLong(AuditReport.Entry::packets)));
        assertEquals(3, packets.get(FindingRule.UNZONED_INTERFACE));
        assertTrue(two.findings().stream().filter(e -> e.finding().rule() == FindingRule.BACKBONE_BYPASS)
                .allMatch(e -> "eth0".equals(e.finding().interfaceName())));
    }

    @Test
    void onlyOneOrTwoThreads() {
        assertThrows(IllegalArgumentException.class,
                () -> new OfflineAudit(LabPolicy.policy(), "lab", null, OfflineAudit.DEFAULT_FLOW_TABLE, 3));
    }

    /** The reader's failure reaches the caller as it does on one thread: the same exception, the same words. */
    @Test
    void aFileThatIsNotACaptureFailsAlikeOnOneAndTwoThreads() throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "not a capture at all\n");
        String[] messages = new String[2];
        for (int threads = 1; threads <= 2; threads++) {
            OfflineAudit audit = new OfflineAudit(LabPolicy.policy(), "lab", null, OfflineAudit.DEFAULT_FLOW_TABLE, threads);
            messages[threads - 1] = assertThrows(CaptureFormatException.class, () -> audit.run(file, null)).getMessage();
        }
        assertEquals(messages[0], messages[1]);
        assertTrue(messages[1].contains("not a pcap or pcapng file"), messages[1]);
    }

    /** eth1 from the start; eth0 declared after 10,000 frames; eth7 at the very end. */
    private static byte[] capture() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        block(out, 0x0A0D0D0A, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).array());
        idb(out, "eth1");
        long t = 1_000_000;
        Function<Integer, byte[]> internal = i -> i % 50 == 0
                ? FrameBuilder.ethernet(HOST_MAC, BOX_MAC).ip("10.1.0." + (i / 50 % 40 + 1), "198.51.100.7").udp(40000, 5000, 10).build()
                : FrameBuilder.ethernet(HOST_MAC, BOX_MAC).ip("10.1.0.5", "172.16.5." + (i % 200 + 1))
                        .tcp(40000 + i % 1000, 443, DecodedPacket.TCP_ACK, 20).build();
        for (int i = 0; i < 10_000; i++) {
            epb(out, 0, t++, internal.apply(i));
        }
        idb(out, "eth0");
        for (int i = 0; i < 20_000; i++) {
            if (i % 2 == 0) {
                epb(out, 0, t++, internal.apply(i));
            } else {
                epb(out, 1, t++, FrameBuilder.ethernet("02:00:00:00:02:09", BOX_MAC).ip("10.2.0.9", "172.16.5.5")
                        .tcp(3000 + i % 25, 443, DecodedPacket.TCP_SYN, 0).build());
            }
        }
        idb(out, "eth7");
        for (int i = 0; i < 3; i++) {
            epb(out, 2, t++, FrameBuilder.ethernet(HOST_MAC, BOX_MAC).ip("10.1.0.5", "10.1.0.6").udp(1, 2, 0).build());
        }
        return out.toByteArray();
    }

    private static void idb(ByteArrayOutputStream out, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int padded = (n.length + 3) & ~3;
        ByteBuffer body = ByteBuffer.allocate(8 + 4 + padded + 4).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) LinkType.ETHERNET).putShort((short) 0).putInt(65535)
                .putShort((short) 2).putShort((short) n.length).put(n);
        body.position(8 + 4 + padded);
        body.putInt(0); // opt_endofopt
        block(out, 1, body.array());
    }

    private static void epb(ByteArrayOutputStream out, int iface, long micros, byte[] frame) {
        int padded = (frame.length + 3) & ~3;
        ByteBuffer body = ByteBuffer.allocate(20 + padded).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(iface).putInt((int) (micros >>> 32)).putInt((int) micros).putInt(frame.length).putInt(frame.length)
                .put(frame);
        block(out, 6, body.array());
    }

    private static void block(ByteArrayOutputStream out, int type, byte[] body) {
        int length = 12 + body.length;
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(length).array());
        out.writeBytes(body);
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(length).array());
    }
}
