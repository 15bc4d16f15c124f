package cn.egov.isolation.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.isolation.capture.LiveCapture;
import cn.egov.lab.NetLab;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The live monitor in network namespaces: a host of the internal zone pings and sends UDP to a lab
 * "Internet" address and asks a public-resolver stand-in for a name; the monitor, capturing the
 * box namespace's interfaces with libpcap, raises the alarms with their evidence.
 */
class LiveMonitorNetnsTest {

    private static final long WAIT_MS = 10_000;

    @Test
    void internalHostReachingTheInternetRaisesOutboundAlarms() throws Exception {
        try (NetLab lab = NetLab.create("mon")) {
            String box = lab.host("box");
            String lan = lab.host("lan");
            String inet = lab.host("inet");
            lab.link(box, "eth1", "10.6.8.1/24", lan, "eth0", "10.6.8.5/24");
            lab.link(box, "eth3", "198.51.100.1/24", inet, "eth0", "198.51.100.7/24");
            lab.exec(inet, "ip", "addr", "add", "198.51.100.53/24", "dev", "eth0");
            lab.forwarding(box);
            lab.exec(lan, "ip", "route", "add", "default", "via", "10.6.8.1");
            lab.exec(inet, "ip", "route", "add", "10.6.8.0/24", "via", "198.51.100.1");
            String lanMac = lab.exec(lan, "cat", "/sys/class/net/eth0/address").trim();

            ClassificationPolicy policy = new ClassificationPolicy(
                    List.of(new ClassificationPolicy.Zone("internal", ClassificationPolicy.Role.INTERNAL, List.of()),
                            new ClassificationPolicy.Zone("internet-access", ClassificationPolicy.Role.INTERNET_ACCESS, List.of())),
                    List.of(new ClassificationPolicy.Interface("eth1", List.of("internal")),
                            new ClassificationPolicy.Interface("eth3", List.of("internet-access"))),
                    List.of(Prefix.parse("10.0.0.0/8")), List.of(), ClassificationPolicy.Tunnel.none(), List.of());
            RecordingTelemetry telemetry = new RecordingTelemetry();
            LiveMonitor.Settings settings = new LiveMonitor.Settings(List.of("eth1", "eth3"),
                    new LiveCapture.Settings(128, 4 * 1024 * 1024, true, true, box), 1024, 100, 100, 100, 1);
            try (LiveMonitor monitor = LiveMonitor.start(policy, "lab", settings, telemetry)) {
                lab.tryExec(lan, "ping", "-c", "2", "-i", "0.2", "-W", "1", "198.51.100.7");
                lab.exec(lan, "bash", "-c", "echo hello > /dev/udp/198.51.100.7/5000");
                // a DNS query (type A, www.example.com) to the public-resolver stand-in
                lab.exec(lan, "bash", "-c", "printf '\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00"
                        + "\\x03www\\x07example\\x03com\\x00\\x00\\x01\\x00\\x01' > /dev/udp/198.51.100.53/53");

                Alarm ping = await(telemetry, a -> a.kind().equals("isolation.outbound") && "icmp".equals(a.evidence().get("proto")));
                Alarm udp = await(telemetry, a -> a.kind().equals("isolation.outbound") && "5000".equals(a.evidence().get("dport")));
                Alarm dns = await(telemetry, a -> a.kind().equals("isolation.outbound-dns"));
                for (Alarm a : List.of(ping, udp, dns)) {
                    Map<String, String> e = a.evidence();
                    assertEquals("eth1", e.get("interface"));
                    assertEquals("10.6.8.5", e.get("src"));
                    assertEquals(lanMac, e.get("mac"));
                    assertEquals(Alarm.Severity.CRITICAL, a.severity());
                    assertTrue(e.containsKey("time") && e.containsKey("rule"));
                }
                assertEquals("198.51.100.7", ping.evidence().get("dst"));
                assertEquals("198.51.100.53", dns.evidence().get("dst"));
                assertEquals("53", dns.evidence().get("dport"));
                // the two echo requests are one flow: one alarm
                assertEquals(1, telemetry.alarms().stream()
                        .filter(a -> a.kind().equals("isolation.outbound") && "icmp".equals(a.evidence().get("proto"))).count());
                // replies from the Internet, captured inbound on eth3, are not findings of their own
                assertTrue(telemetry.alarms().stream().noneMatch(a -> "198.51.100.7".equals(a.evidence().get("src"))));

                KuraPayload stats = awaitStats(telemetry);
                assertTrue(((Number) stats.metric("capture.eth1.received")).longValue() >= 4, stats.metrics().toString());
                assertEquals(0L, ((Number) stats.metric("capture.eth1.dropped")).longValue());
                assertTrue(telemetry.alarms().stream().noneMatch(a -> a.kind().equals(LiveMonitor.DROP_ALARM)));
            }
        }
    }

    @Test
    void anInterfaceThatDoesNotExistIsAClearError() {
        try (NetLab lab = NetLab.create("mon")) {
            String box = lab.host("box");
            ClassificationPolicy policy = new ClassificationPolicy(List.of(), List.of(), List.of(), List.of(), null, List.of());
            LiveMonitor.Settings settings = new LiveMonitor.Settings(List.of("eth9"),
                    new LiveCapture.Settings(128, 1 << 20, true, true, box), 1024, 10, 10, 10, 60);
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> LiveMonitor.start(policy, "lab", settings, new RecordingTelemetry()));
            assertTrue(e.getMessage().contains("eth9"), e.getMessage());
        }
    }

    private static Alarm await(RecordingTelemetry telemetry, Predicate<Alarm> which) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < end) {
            for (Alarm a : telemetry.alarms()) {
                if (which.test(a)) {
                    return a;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such alarm within " + WAIT_MS + " ms; alarms: " + telemetry.alarms());
    }

    private static KuraPayload awaitStats(RecordingTelemetry telemetry) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < end) {
            List<KuraPayload> p = telemetry.published(LiveMonitor.APP_ID, LiveMonitor.RESOURCE);
            if (!p.isEmpty() && p.get(p.size() - 1).metric("capture.eth1.received") != null
                    && ((Number) p.get(p.size() - 1).metric("capture.eth1.received")).longValue() >= 4) {
                return p.get(p.size() - 1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no monitor stats within " + WAIT_MS + " ms");
    }
}
