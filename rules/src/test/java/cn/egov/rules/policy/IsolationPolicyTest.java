package cn.egov.rules.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model as the monitor and the audit use it, and validator cases the golden files do not show. */
class IsolationPolicyTest {

    static final LocalDate TODAY = LocalDate.of(2026, 11, 27);
    static final Path BASELINE = Path.of("policy/baseline");

    @Test
    void baselineAnswersZoneQuestions() throws Exception {
        PolicyLoad load = PolicyLoader.load(BASELINE, TODAY);
        assertTrue(load.ok(), load.findings().toString());
        IsolationPolicy p = load.policyOrThrow();
        assertEquals(List.of("eth0", "ipsec0"), p.interfacesOf("backbone"));
        assertEquals(List.of("internal"), p.zonesOfInterface("eth1"));
        assertEquals(Optional.of("management"), p.zoneOf("ipsec0", InetAddress.getByName("10.200.9.1")));
        assertEquals(Optional.of("backbone"), p.zoneOf("ipsec0", InetAddress.getByName("10.200.1.1")));
        assertEquals(Optional.empty(), p.zoneOf("ipsec0", InetAddress.getByName("8.8.8.8")));
        assertEquals(Optional.of("internet-access"), p.zoneOf("eth3", InetAddress.getByName("8.8.8.8")));
        assertEquals("ipsec0", p.tunnelInto("backbone").orElseThrow().iface());
        assertTrue(p.allows("internal", "backbone", true));
        assertFalse(p.allows("internal", "backbone", false));
        assertFalse(p.allows("internal", "internet-access", true));
        assertTrue(p.nevers().stream().anyMatch(n -> n.concerns("internet-access", "internal")));
        assertEquals(64, p.sha256().length());
    }

    @Test
    void aPolicyUnderWhichTheBoxReachesNothingIsWarnedAbout(@TempDir Path dir) throws IOException {
        copyBaseline(dir);
        assertTrue(PolicyLoader.load(dir, TODAY).findings().stream().noneMatch(f -> f.code().equals(PolicyValidator.BOX_CUT_OFF)));
        Path rules = dir.resolve("30-rules.policy");
        Files.writeString(rules, String.join("\n\n", java.util.Arrays.stream(Files.readString(rules).split("\n\n"))
                .filter(section -> !section.contains("from box")).toList()));
        PolicyLoad load = PolicyLoader.load(dir, TODAY);
        assertTrue(load.ok(), "a warning, not an error: " + load.findings());
        assertTrue(load.findings().stream().anyMatch(f -> f.code().equals(PolicyValidator.BOX_CUT_OFF) && !f.isError()
                && f.message().contains("cannot reach the manager")), load.findings().toString());
    }

    @Test
    void hashChangesWithAnyByte(@TempDir Path dir) throws IOException {
        copyBaseline(dir);
        String before = PolicyLoader.load(dir, TODAY).policyOrThrow().sha256();
        Files.writeString(dir.resolve("20-services.policy"), "\n", java.nio.file.StandardOpenOption.APPEND);
        assertNotEquals(before, PolicyLoader.load(dir, TODAY).policyOrThrow().sha256());
    }

    @Test
    void ambiguousInterfaceAndTunnelReferences(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.policy"), String.join("\n",
                "policy t", "    version 1",
                "zone a", "zone b", "zone c",
                "interface eth0", "    zone a b",
                "interface eth1", "    zone c",
                "flow a-to-c", "    from a", "    to c", "    services any", "    via tunnel",
                "never x", "    from a", "    to c", "    unless tunnel", "    reason r", ""));
        PolicyLoad load = PolicyLoader.load(dir, TODAY);
        assertFalse(load.ok());
        List<String> codes = load.errors().stream().map(Finding::code).toList();
        assertTrue(codes.contains("ambiguous-interface"), codes.toString());
        assertEquals(2, codes.stream().filter("unknown-reference"::equals).count(), load.errors().toString());
        Finding via = load.errors().stream().filter(f -> f.field().equals("via")).findFirst().orElseThrow();
        assertEquals(new Origin("a.policy", 14), via.origin(), "names the line of option 'via'");
        assertThrows(PolicyException.class, load::policyOrThrow);
    }

    @Test
    void prefixesParseStrictly() {
        assertEquals("2001:db8::/32", Prefix.parse("2001:db8::/32").toString());
        assertEquals("10.1.0.0/16", Prefix.parse("10.1.0.0/16").toString());
        assertTrue(Prefix.parse("10.0.0.0/8").contains(Prefix.parse("10.1.2.0/24")));
        assertFalse(Prefix.parse("10.1.2.0/24").contains(Prefix.parse("10.0.0.0/8")));
        assertFalse(Prefix.parse("10.0.0.0/8").overlaps(Prefix.parse("2001:db8::/32")));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("10.1.0.1/16"));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("10.1/16"));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("example.org"));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("10.0.0.0/33"));
    }

    /**
     * IPv4 prefixes take a path of their own (no regular expression, InetAddress or BigInteger
     * arithmetic): its numbers and text are InetAddress's, and the odd forms it leaves to the
     * general path (leading zeros, a host address with host bits) end as they did.
     */
    @Test
    void ipv4PrefixesReadAndPrintAsInetAddressDoes() throws Exception {
        java.util.Random random = new java.util.Random(13);
        for (int n = 0; n < 2_000; n++) {
            int len = random.nextInt(33);
            long host = (1L << (32 - len)) - 1;
            long value = (random.nextInt() & 0xFFFFFFFFL) & ~host;
            byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
            String address = InetAddress.getByAddress(bytes).getHostAddress();
            Prefix p = Prefix.parse(address + "/" + len);
            assertEquals(new Prefix(false, new java.math.BigInteger(1, bytes), len), p);
            assertEquals(address, p.address());
            assertEquals(address + "/" + len, p.toString());
            if (len < 32 && host != 0) {
                String withHostBits = InetAddress.getByAddress(new byte[] {bytes[0], bytes[1], bytes[2], (byte) (bytes[3] | 1)})
                        .getHostAddress() + "/" + len;
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prefix.parse(withHostBits));
                assertTrue(e.getMessage().contains("did you mean " + address + "/" + len), e.getMessage());
            }
        }
        assertEquals(Prefix.parse("10.1.2.3/32"), Prefix.parse("10.1.2.3"));
        assertEquals(Prefix.parse("10.0.0.0/8"), Prefix.parse("10.0.0.0/08"));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("10.256.0.0/16"));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("10.1.0.0/"));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("10.1.0.0/-1"));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("10.1.0.0.0/16"));
    }

    static void copyBaseline(Path dir) throws IOException {
        try (var s = Files.list(BASELINE)) {
            for (Path f : s.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
    }
}
