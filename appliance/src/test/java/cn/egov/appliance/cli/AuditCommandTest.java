package cn.egov.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.isolation.capture.PcapWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the {@code appliance audit} command on generated captures with planted violations. */
class AuditCommandTest {

    @TempDir
    Path dir;
    Path policy;

    record Run(int exit, String out, String err) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            return (Map<String, Object>) cn.egov.api.json.JsonValues.parse(out);
        }

        /** The finding keys of a --json report, in the form {@link PlantedCapture} plants them. */
        @SuppressWarnings("unchecked")
        Set<String> keys() {
            Set<String> keys = new LinkedHashSet<>();
            for (Object o : (List<Object>) json().get("findings")) {
                Map<String, Object> f = (Map<String, Object>) o;
                Map<String, String> ev = (Map<String, String>) f.get("evidence");
                String kind = (String) f.get("kind");
                keys.add(switch (kind) {
                    case "isolation.dual-homed" -> kind + "|" + ev.get("mac");
                    case "isolation.unzoned-interface" -> kind + "|" + ev.get("interface");
                    case "isolation.unplanned-host" -> kind + "|" + ev.get("interface") + "|" + ev.get("src") + "|" + ev.get("mac");
                    default -> PlantedCapture.flowKey(kind, ev.get("src"), ev.get("dst"), Integer.parseInt(ev.get("dport")));
                });
            }
            return keys;
        }
    }

    @BeforeEach
    void writePolicy() throws Exception {
        policy = PlantedCapture.writePolicy(dir);
    }

    private Run audit(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new AuditCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void pcapngWithInterfaceNamesAndUnitFindsEveryPlantedViolationAndNothingElse() throws Exception {
        Path file = dir.resolve("site.pcapng");
        List<PlantedCapture.Frame> frames = PlantedCapture.all();
        PlantedCapture.writePcapng(file, frames, ByteOrder.LITTLE_ENDIAN);
        Run r = audit("--policy", policy.toString(), "--pcap", file.toString(), "--unit", PlantedCapture.UNIT, "--json");
        assertEquals(1, r.exit(), r.err() + r.out());
        assertEquals(PlantedCapture.expected(frames), r.keys());
        Map<String, Object> j = r.json();
        assertEquals((long) frames.size(), j.get("frames"));
        assertEquals(1L, j.get("truncated"));
        assertEquals(1L, j.get("malformed"));
        assertEquals(false, j.get("clean"));
        assertEquals("130602-001", j.get("unit"));
        // the repeated packet of the first outbound flow is counted in that flow, not reported again
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) ((List<Object>) j.get("findings")).get(0);
        assertEquals(2L, first.get("packets"));
        @SuppressWarnings("unchecked")
        Map<String, String> evidence = (Map<String, String>) first.get("evidence");
        assertEquals("eth1", evidence.get("interface"));
        assertEquals("udp", evidence.get("proto"));
        assertEquals("40000", evidence.get("sport"));
        assertEquals(PlantedCapture.H1, evidence.get("mac"));
        assertTrue(evidence.get("time").startsWith("2025-11-27T08:00:00"), evidence.get("time"));
        assertTrue(evidence.get("rule").contains("internal"), evidence.get("rule"));
    }

    @Test
    void oneAndTwoThreadsPrintTheSameReport() throws Exception {
        Path file = dir.resolve("site.pcapng");
        PlantedCapture.writePcapng(file, PlantedCapture.all(), ByteOrder.BIG_ENDIAN);
        Run one = audit("--policy", policy.toString(), "--pcap", file.toString(), "--unit", PlantedCapture.UNIT, "--json", "--threads", "1");
        Run two = audit("--policy", policy.toString(), "--pcap", file.toString(), "--unit", PlantedCapture.UNIT, "--json", "--threads", "2");
        assertEquals(1, one.exit(), one.err());
        assertEquals(one.out(), two.out());
        Run bad = audit("--policy", policy.toString(), "--pcap", file.toString(), "--threads", "3");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--threads must be 1 or 2"), bad.err());
    }

    @Test
    void withoutTheUnitAddressesOfPrefixlessZonesCannotBePlacedSoOnlyInterZoneByAddressIsMissed() throws Exception {
        Path file = dir.resolve("site-be.pcapng");
        List<PlantedCapture.Frame> frames = PlantedCapture.all();
        PlantedCapture.writePcapng(file, frames, ByteOrder.BIG_ENDIAN);
        Run r = audit("--policy", policy.toString(), "--pcap", file.toString(), "--json");
        Set<String> expected = PlantedCapture.expected(frames);
        // internal -> external needs the unit's external prefixes to know where 198.18.80.5 is
        expected.remove(PlantedCapture.flowKey("isolation.cross-zone", "10.6.8.5", "198.18.80.5", 445));
        assertEquals(1, r.exit(), r.err());
        assertEquals(expected, r.keys());
    }

    @Test
    void pcapOfOneInterfaceNamedOnTheCommandLine() throws Exception {
        Path file = dir.resolve("eth1.pcap");
        List<PlantedCapture.Frame> frames = PlantedCapture.all();
        PlantedCapture.writePcap(file, frames, f -> f.iface().equals("eth1"), PcapWriter.Format.PCAP_MICROS, ByteOrder.LITTLE_ENDIAN);
        // the last record is cut off, as when tcpdump is killed
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 7));
        Run r = audit("--policy", policy.toString(), "--pcap", file.toString(), "--interface", "eth1", "--json");
        assertEquals(1, r.exit(), r.err());
        assertEquals(Set.of(
                PlantedCapture.flowKey("isolation.outbound", "10.6.8.5", "198.51.100.7", 5000),
                PlantedCapture.flowKey("isolation.outbound-dns", "10.6.8.5", "198.51.100.53", 53),
                PlantedCapture.flowKey("isolation.outbound", "2001:db8:6:8::5", "3fff::7", 443)), r.keys());
        assertEquals(2L, r.json().get("truncated")); // one frame cut by the snap length, one record by the end of the file
        assertTrue(r.err().contains("truncated"), r.err());
    }

    @Test
    void pcapWithoutInterfaceNamesPlacesAddressesByTheUnitsPlan() throws Exception {
        Path file = dir.resolve("eth1-ns.pcap");
        List<PlantedCapture.Frame> frames = PlantedCapture.all();
        PlantedCapture.writePcap(file, frames, f -> f.iface().equals("eth1"), PcapWriter.Format.PCAP_NANOS, ByteOrder.BIG_ENDIAN);
        Run r = audit("--policy", policy.toString(), "--pcap", file.toString(), "--unit", PlantedCapture.UNIT, "--json");
        assertEquals(1, r.exit(), r.err());
        assertEquals(Set.of(
                PlantedCapture.flowKey("isolation.outbound", "10.6.8.5", "198.51.100.7", 5000),
                PlantedCapture.flowKey("isolation.outbound-dns", "10.6.8.5", "198.51.100.53", 53),
                PlantedCapture.flowKey("isolation.outbound", "2001:db8:6:8::5", "3fff::7", 443),
                PlantedCapture.flowKey("isolation.cross-zone", "10.6.8.5", "198.18.80.5", 445)), r.keys());
    }

    @Test
    void cleanCapturesAreCleanInEveryForm() throws Exception {
        List<PlantedCapture.Frame> clean = PlantedCapture.clean();
        Path ng = dir.resolve("clean.pcapng");
        PlantedCapture.writePcapng(ng, clean, ByteOrder.LITTLE_ENDIAN);
        Run withUnit = audit("--policy", policy.toString(), "--pcap", ng.toString(), "--unit", PlantedCapture.UNIT, "--json");
        assertEquals(0, withUnit.exit(), withUnit.out() + withUnit.err());
        assertEquals(Set.of(), withUnit.keys());
        assertEquals((long) clean.size(), withUnit.json().get("frames"));
        Run withoutUnit = audit("--policy", policy.toString(), "--pcap", ng.toString());
        assertEquals(0, withoutUnit.exit(), withoutUnit.out());
        assertTrue(withoutUnit.out().contains("未发现违规 no violations"), withoutUnit.out());
        Path pcap = dir.resolve("clean.pcap");
        PlantedCapture.writePcap(pcap, clean, f -> true, PcapWriter.Format.PCAP_MICROS, ByteOrder.LITTLE_ENDIAN);
        Run plain = audit("--policy", policy.toString(), "--pcap", pcap.toString(), "--unit", PlantedCapture.UNIT, "--json");
        assertEquals(0, plain.exit(), plain.out());
    }

    @Test
    void tableOutputListsEachViolation() throws Exception {
        Path file = dir.resolve("site.pcapng");
        List<PlantedCapture.Frame> frames = PlantedCapture.all();
        PlantedCapture.writePcapng(file, frames, ByteOrder.LITTLE_ENDIAN);
        Run r = audit("--policy", policy.toString(), "--pcap", file.toString(), "--unit", PlantedCapture.UNIT);
        System.out.println(r.out()); // kept in surefire-reports/*-output.txt: what an auditor sees
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("outbound-dns") && r.out().contains("198.51.100.53:53") && r.out().contains("100.20"), r.out());
        assertTrue(r.out().contains(PlantedCapture.expected(frames).size() + " violating flows"), r.out());
        // the table is aligned: every cell starts where its column's header does, two spaces after the widest cell before it
        List<String> lines = r.out().lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("#  ")).findFirst().orElseThrow());
        String head = lines.get(header);
        List<Integer> starts = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\S+").matcher(head);
        while (m.find()) {
            starts.add(m.start());
        }
        assertEquals(List.of("#", "rule", "time(UTC+8)", "interface", "vlan", "proto", "source", "destination", "mac", "packets"),
                List.of(head.trim().split(" +")));
        // the capture's 2025-11-27T08:00:00Z as an auditor's watch shows it, the zone in the header (before: ISO UTC, unnamed for people)
        assertTrue(lines.get(header + 1).contains(" 2025-11-27 16:00:00.00"), lines.get(header + 1));
        assertTrue(r.out().lines().noneMatch(l -> l.contains("T08:00:00")), r.out());
        for (String row : lines.subList(header + 1, lines.indexOf(""))) {
            for (int c = 1; c < starts.size(); c++) {
                assertEquals(' ', row.charAt(starts.get(c) - 1), row);
                assertEquals(' ', row.charAt(starts.get(c) - 2), row);
                assertTrue(row.charAt(starts.get(c)) != ' ', row);
            }
        }
        assertTrue(lines.stream().noneMatch(l -> l.endsWith(" ")), r.out());
    }

    @Test
    void unplannedHostsOnTheLansArePrintedInTextAndJsonWithExitOne() throws Exception {
        Path file = dir.resolve("strays.pcapng");
        List<PlantedCapture.Frame> frames = PlantedCapture.strays();
        PlantedCapture.writePcapng(file, frames, ByteOrder.LITTLE_ENDIAN);
        Run r = audit("--policy", policy.toString(), "--plan", policy.resolve("lab.plan").toString(), "--unit", PlantedCapture.UNIT,
                "--pcap", file.toString(), "--json");
        assertEquals(1, r.exit(), r.err() + r.out());
        assertEquals(PlantedCapture.expected(frames), r.keys());
        Map<String, Object> j = r.json();
        assertEquals(true, j.get("unplannedHostCheckOn"));
        assertEquals("unit 130602-001; internal 10.6.8.0/24, 2001:db8:6:8::/64; external 198.18.80.0/28", j.get("unplannedHostCheck"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> findings = (List<Map<String, Object>>) (List<?>) j.get("findings");
        Map<String, Object> dhcp = findings.stream().filter(f -> "192.168.1.100".equals(((Map<?, ?>) f.get("evidence")).get("src")))
                .findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, String> ev = (Map<String, String>) dhcp.get("evidence");
        assertEquals("DHCP requested address (option 50) in a DHCPREQUEST", ev.get("seen"));
        assertEquals("10.6.8.0/24, 2001:db8:6:8::/64", ev.get("planned"));
        assertEquals("dhcp", ev.get("proto"));
        assertEquals("eth1", ev.get("interface"));
        assertEquals(PlantedCapture.STRAY, ev.get("mac"));
        // the laptop's 1,000 packets to the Internet are its one host finding (and its outbound flows)
        Map<String, Object> laptop = findings.stream().filter(f -> "isolation.unplanned-host".equals(f.get("kind"))
                && "192.168.1.23".equals(((Map<?, ?>) f.get("evidence")).get("src"))).findFirst().orElseThrow();
        assertEquals(1000L, laptop.get("packets"));

        Run text = audit("--policy", policy.toString(), "--unit", PlantedCapture.UNIT, "--pcap", file.toString());
        System.out.println(text.out()); // kept in surefire-reports/*-output.txt: what an auditor sees
        assertEquals(1, text.exit());
        assertTrue(text.out().contains("unplanned hosts: unit 130602-001; internal 10.6.8.0/24, 2001:db8:6:8::/64; external 198.18.80.0/28"),
                text.out());
        assertTrue(text.out().contains("unplanned-host") && text.out().contains("192.168.1.1 ") && text.out().contains("(seen: ARP sender)")
                && text.out().contains("198.18.81.9") && text.out().contains("2001:db8:99::5"), text.out());
        assertTrue(text.out().contains(PlantedCapture.expected(frames).size() - 1 + " unplanned hosts"), text.out());

        // without the unit the check is off, in one line, and only the laptop's outbound flow remains
        Run off = audit("--policy", policy.toString(), "--pcap", file.toString(), "--json");
        assertEquals(1, off.exit(), off.err());
        assertEquals(Set.of(PlantedCapture.flowKey("isolation.outbound", "192.168.1.23", "198.51.100.7", 5000)), off.keys());
        assertTrue(off.err().contains("unplanned-host check off: no unit given"), off.err());
        assertEquals(1, off.err().lines().filter(l -> l.contains("unplanned-host")).count(), off.err());
    }

    @Test
    void badInputExitsWithTwoAndSaysWhy() throws Exception {
        Path text = dir.resolve("notes.pcap");
        Files.writeString(text, "not a capture at all");
        Run notCapture = audit("--policy", policy.toString(), "--pcap", text.toString());
        assertEquals(2, notCapture.exit());
        assertTrue(notCapture.err().contains("notes.pcap") && notCapture.err().contains("magic"), notCapture.err());

        Run missing = audit("--policy", policy.toString(), "--pcap", dir.resolve("nope.pcap").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("nope.pcap"), missing.err());

        Path good = dir.resolve("clean.pcapng");
        PlantedCapture.writePcapng(good, PlantedCapture.clean(), ByteOrder.LITTLE_ENDIAN);
        Run badUnit = audit("--policy", policy.toString(), "--pcap", good.toString(), "--unit", "13060-01");
        assertEquals(2, badUnit.exit());
        assertTrue(badUnit.err().contains("13060-01"), badUnit.err());

        Path badPolicy = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(badPolicy.resolve("10-bad.policy"), "zone internal\n    colour blue\n");
        Files.writeString(badPolicy.resolve("lab.plan"), PlantedCapture.PLAN);
        Run policyError = audit("--policy", badPolicy.toString(), "--pcap", good.toString());
        assertEquals(2, policyError.exit());
        assertTrue(policyError.err().contains("10-bad.policy"), policyError.err());

        Run noArgs = audit("--pcap", good.toString());
        assertEquals(2, noArgs.exit());
    }
}
