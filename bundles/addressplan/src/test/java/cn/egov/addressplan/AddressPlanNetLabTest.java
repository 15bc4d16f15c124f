package cn.egov.addressplan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.AddressPlanMetrics;
import cn.egov.api.telemetry.Priority;
import cn.egov.lab.NetLab;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A box namespace for unit 130602-001 (block 10.6.8.0/25) with two LAN links: one host inside the
 * block, one on 10.9.9.20 (a Cangzhou county's space). The DS component, reading the box's
 * namespace through {@code ip -n}, must report the second host — and only it — with a remediation.
 */
class AddressPlanNetLabTest {

    @TempDir
    Path dir;

    @Test
    void lanHostOutsideTheUnitsBlockIsReported() throws Exception {
        try (NetLab lab = NetLab.create("plan")) {
            String box = lab.host("box");
            String good = lab.host("pc1");
            String bad = lab.host("pc2");
            lab.link(box, "eth1", "10.6.8.1/25", good, "eth0", "10.6.8.20/25");
            lab.link(box, "eth2", null, bad, "eth0", "10.9.9.20/24");
            // a hand-made link route on the box, as a technician would add for a stray subnet
            lab.exec(box, "ip", "route", "add", "10.9.9.0/24", "dev", "eth2", "src", "10.6.8.1");
            lab.exec(bad, "ip", "route", "add", "10.6.8.0/25", "dev", "eth0");
            talkTo(lab, box, "10.6.8.20");
            talkTo(lab, box, "10.9.9.20");

            Path leases = dir.resolve("dnsmasq.leases");
            Files.writeString(leases, "1764230000 02:00:00:00:00:21 10.6.8.21 pc3 *\n");
            Path hosts = dir.resolve("hosts");
            Files.writeString(hosts, "10.6.8.20 pc1.jyj.jingxiu.hebei.egov pc1\n");

            RecordingTelemetry telemetry = new RecordingTelemetry();
            AddressPlanComponent component = new AddressPlanComponent(telemetry, null, config(Map.of(
                    "planPath", Path.of("../../rules/plan").toAbsolutePath().toString(),
                    "unitCode", "130602-001",
                    "namespace", box,
                    "leaseFiles", new String[] {leases.toString()},
                    "hostsFile", hosts.toString())));
            try {
                ConformanceReport r = component.runOnce();
                assertNotNull(r, "check failed: " + telemetry.messages);
                List<SiteFinding> neighbours = r.findings().stream().filter(f -> f.kind() == SiteFinding.Kind.NEIGHBOUR).toList();
                assertEquals(1, neighbours.size(), r.findings().toString());
                assertEquals("10.9.9.20", neighbours.get(0).observed());
                assertEquals("130902", neighbours.get(0).owner());
                assertTrue(neighbours.get(0).suggestion().startsWith("10.6.8."), neighbours.get(0).suggestion());
                assertFalse(r.findings().stream().anyMatch(f -> f.observed().equals("10.6.8.20")), r.findings().toString());
                assertTrue(r.findings().stream().anyMatch(f -> f.kind() == SiteFinding.Kind.SUBNET && f.observed().equals("10.9.9.0/24")));
                assertTrue(r.checked().get(SiteFinding.Kind.LEASE) == 1 && r.checked().get(SiteFinding.Kind.HOST_NAME) == 1);

                // telemetry: the findings at ALARM priority, then the summary closing the check
                List<RecordingTelemetry.Message> findings = telemetry.on(AddressPlanMetrics.FINDING_RESOURCE).stream()
                        .filter(m -> m.payload().longMetric(AddressPlanMetrics.CHECK_ID) == r.time()).toList();
                assertEquals(r.findings().size(), findings.size());
                assertTrue(findings.stream().allMatch(m -> m.appId().equals("ADDRESSPLAN") && m.priority() == Priority.ALARM));
                KuraPayload n = findings.stream().map(RecordingTelemetry.Message::payload)
                        .filter(p -> "NEIGHBOUR".equals(p.stringMetric(AddressPlanMetrics.KIND))).findFirst().orElseThrow();
                assertEquals("130602-001", n.stringMetric(AddressPlanMetrics.UNIT));
                assertTrue(n.stringMetric(AddressPlanMetrics.REMEDIATION).contains("renumber it to 10.6.8."));
                KuraPayload check = telemetry.on(AddressPlanMetrics.CHECK_RESOURCE).stream().map(RecordingTelemetry.Message::payload)
                        .filter(p -> p.longMetric(AddressPlanMetrics.CHECK_ID) == r.time()).findFirst().orElseThrow();
                assertEquals((long) r.findings().size(), check.longMetric(AddressPlanMetrics.FINDINGS));
                assertEquals(1L, check.longMetric(AddressPlanMetrics.FINDINGS_PREFIX + "NEIGHBOUR"));
            } finally {
                component.deactivate();
            }
        }
    }

    /** Sends one UDP datagram from the box (bash /dev/udp, no ping needed) and waits for ARP to resolve. */
    private static void talkTo(NetLab lab, String ns, String address) throws InterruptedException {
        for (int i = 0; i < 40; i++) {
            lab.tryExec(ns, "bash", "-c", "echo probe > /dev/udp/" + address + "/9");
            String neigh = lab.exec(ns, "ip", "neigh", "show", address);
            if (neigh.contains("lladdr")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no neighbour entry for " + address + " in " + ns);
    }

    /** An {@link AddressPlanConfig} with the given values and the annotation's defaults for the rest. */
    static AddressPlanConfig config(Map<String, Object> values) {
        return (AddressPlanConfig) Proxy.newProxyInstance(AddressPlanConfig.class.getClassLoader(),
                new Class<?>[] {AddressPlanConfig.class}, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    Object d = method.getDefaultValue();
                    if (d == null) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return d;
                });
    }
}
