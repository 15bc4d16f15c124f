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

    /**
     * 私接设备 on the internal LAN (a bridge in the box, as a switch would be): a host with a home
     * address ARPs and pings, asks DHCP for the address it had (busybox udhcpc, option 50) and
     * configures an IPv6 address outside the plan (the kernel's DAD and neighbour solicitations);
     * the monitor raises one unplanned-host alarm per address with its evidence. A planned host
     * doing the same (ARP, DHCP discover from 0.0.0.0, DAD, NDP from link-local) raises none, and
     * neither does the box answering from an address of its own outside the plan (outbound frames
     * captured too here, so the box's own are really seen).
     */
    @Test
    void hostsOutsideTheUnitsAllocationsOnTheInternalLanRaiseOneAlarmEachAndPlannedHostsNone() throws Exception {
        try (NetLab lab = NetLab.create("uph")) {
            String box = lab.host("box");
            String lan = lab.host("lan");
            String stray = lab.host("stray");
            lab.exec(box, "ip", "link", "add", "eth1", "type", "bridge", "mcast_snooping", "0");
            lab.exec(box, "ip", "link", "set", "eth1", "up");
            lab.link(box, "p1", null, lan, "eth0", "10.6.8.5/25");
            lab.link(box, "p2", null, stray, "eth0", "192.168.1.100/24");
            lab.exec(box, "ip", "link", "set", "p1", "master", "eth1");
            lab.exec(box, "ip", "link", "set", "p2", "master", "eth1");
            lab.exec(box, "ip", "addr", "add", "10.6.8.1/25", "dev", "eth1");
            lab.exec(box, "ip", "addr", "add", "192.168.1.1/24", "dev", "eth1"); // the box's own, outside the plan
            lab.exec(box, "ip", "-6", "addr", "add", "2001:db8:601:100::1/64", "dev", "eth1", "nodad");
            String lanMac = lab.exec(lan, "cat", "/sys/class/net/eth0/address").trim();
            String strayMac = lab.exec(stray, "cat", "/sys/class/net/eth0/address").trim();

            ClassificationPolicy policy = new ClassificationPolicy(
                    List.of(new ClassificationPolicy.Zone("internal", ClassificationPolicy.Role.INTERNAL, List.of()),
                            new ClassificationPolicy.Zone("internet-access", ClassificationPolicy.Role.INTERNET_ACCESS, List.of())),
                    List.of(new ClassificationPolicy.Interface("eth1", List.of("internal"))),
                    List.of(Prefix.parse("10.0.0.0/8"), Prefix.parse("2001:db8::/33")), List.of(), ClassificationPolicy.Tunnel.none(),
                    List.of(), ClassificationPolicy.HostPlan.of("130602-001",
                            Map.of("internal", List.of(Prefix.parse("10.6.8.0/25"), Prefix.parse("2001:db8:601:100::/56")))));
            RecordingTelemetry telemetry = new RecordingTelemetry();
            LiveMonitor.Settings settings = new LiveMonitor.Settings(List.of("eth1"),
                    new LiveCapture.Settings(128, 4 * 1024 * 1024, true, false, box), 1024, 100, 100, 100, 1, 64);
            try (LiveMonitor monitor = LiveMonitor.start(policy, "lab", settings, telemetry)) {
                // the planned host: ARP, ping, DHCP discover from 0.0.0.0, an IPv6 address of the plan (DAD)
                lab.exec(lan, "ip", "-6", "addr", "add", "2001:db8:601:100::5/64", "dev", "eth0");
                lab.tryExec(lan, "ping", "-c", "2", "-i", "0.2", "-W", "1", "10.6.8.1");
                lab.tryExec(lan, "busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-t", "1", "-T", "1", "-s", "/bin/true");
                // the stray host: ARP and ping the box's own 192.168.1.1, DHCP for its old address, IPv6 outside the plan
                lab.tryExec(stray, "ping", "-c", "3", "-i", "0.2", "-W", "1", "192.168.1.1");
                lab.tryExec(stray, "busybox", "udhcpc", "-i", "eth0", "-r", "192.168.1.150", "-n", "-q", "-t", "1", "-T", "1",
                        "-s", "/bin/true");
                lab.exec(stray, "ip", "-6", "addr", "add", "2001:db8:99::5/64", "dev", "eth0");
                lab.tryExec(lan, "ping", "-6", "-c", "1", "-W", "2", "2001:db8:601:100::1");

                Alarm arp = await(telemetry, a -> unplanned(a, "192.168.1.100"));
                Alarm dhcp = await(telemetry, a -> unplanned(a, "192.168.1.150"));
                Alarm ndp = await(telemetry, a -> unplanned(a, "2001:db8:99::5"));
                for (Alarm a : List.of(arp, dhcp, ndp)) {
                    Map<String, String> e = a.evidence();
                    assertEquals("eth1", e.get("interface"));
                    assertEquals(strayMac, e.get("mac"));
                    assertEquals("10.6.8.0/25, 2001:db8:601:100::/56", e.get("planned"));
                    assertEquals(Alarm.Severity.MAJOR, a.severity());
                    assertTrue(a.message().contains("130602-001") && a.message().contains(e.get("src")), a.message());
                }
                assertEquals("ARP sender", arp.evidence().get("seen"));
                assertEquals("DHCP requested address (option 50) in a DHCPDISCOVER", dhcp.evidence().get("seen"));
                assertTrue(ndp.evidence().get("seen").contains("neighbour") || ndp.evidence().get("seen").contains("duplicate"),
                        ndp.evidence().toString());
                KuraPayload stats = awaitMetric(telemetry, "unplanned_hosts.tracked", 3L);
                assertTrue(String.valueOf(stats.metric("unplanned_hosts.check")).startsWith("unit 130602-001; internal 10.6.8.0/25"),
                        stats.metrics().toString());
                assertEquals(0L, ((Number) stats.metric("unplanned_hosts.overflows")).longValue());
                assertTrue(((Number) stats.metric("capture.eth1.dhcp.received")).longValue() >= 2, stats.metrics().toString());
                // three pings and their ARP: one host, one alarm; the planned host and the box raise none
                assertEquals(1, telemetry.alarms().stream().filter(a -> unplanned(a, "192.168.1.100")).count());
                List<Alarm> hosts = telemetry.alarms().stream().filter(a -> a.kind().equals("isolation.unplanned-host")).toList();
                assertTrue(hosts.stream().noneMatch(a -> lanMac.equals(a.evidence().get("mac"))), hosts.toString());
                assertTrue(hosts.stream().noneMatch(a -> a.evidence().get("src").equals("192.168.1.1")
                        || a.evidence().get("src").startsWith("fe80") || a.evidence().get("src").equals("0.0.0.0")), hosts.toString());
                assertEquals(3, hosts.size(), hosts.toString());
            }
        }
    }

    private static boolean unplanned(Alarm a, String address) {
        return a.kind().equals("isolation.unplanned-host") && address.equals(a.evidence().get("src"));
    }

    private static KuraPayload awaitMetric(RecordingTelemetry telemetry, String metric, long atLeast) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < end) {
            List<KuraPayload> p = telemetry.published(LiveMonitor.APP_ID, LiveMonitor.RESOURCE);
            if (!p.isEmpty() && p.get(p.size() - 1).metric(metric) instanceof Number n && n.longValue() >= atLeast) {
                return p.get(p.size() - 1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no monitor stats with " + metric + " >= " + atLeast + " within " + WAIT_MS + " ms: "
                + telemetry.published(LiveMonitor.APP_ID, LiveMonitor.RESOURCE).stream().map(KuraPayload::metrics).toList());
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
