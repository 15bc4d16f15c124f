package cn.egov.bench.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a synthetic policy of a given size: the baseline's zones and prohibitions, the backbone
 * zone with {@code zonePrefixes} prefixes, and {@code rules} flows from internal to backbone, each
 * with its own service (so no rule is redundant) and {@code prefixesPerRule} destination prefixes.
 * Prefixes are distinct /28s inside 10.0.0.0/8 (the backbone zone) and /30s (rule destinations).
 */
public final class ScalePolicy {

    private ScalePolicy() {
    }

    public static void write(Path dir, int zonePrefixes, int rules, int prefixesPerRule, String version) throws IOException {
        Files.createDirectories(dir);
        StringBuilder z = new StringBuilder();
        z.append("policy scale\n    version ").append(version).append("\n\n");
        z.append("zone internal\nzone internet-access\nzone backbone\n    prefixes");
        // 10.200.0.0/28 holds the hub's test address; the rest are distinct /28s above it
        for (int i = 0; i < zonePrefixes; i++) {
            z.append(' ').append(slash28(i));
            if (i % 16 == 15 && i + 1 < zonePrefixes) {
                z.append("\n    prefixes");
            }
        }
        z.append("\n\ninterface eth1\n    zone internal\ninterface eth3\n    zone internet-access\n");
        z.append("interface eth0\n    zone backbone\ninterface ipsec0\n    zone backbone\n\n");
        z.append("tunnel vpn\n    zone backbone\n    mode interface\n    interface ipsec0\n    peers 192.0.2.2\n");
        Files.writeString(dir.resolve("10-zones.policy"), z);
        StringBuilder r = new StringBuilder();
        r.append("never internal-internet\n    between internal internet-access\n    reason isolation\n");
        r.append("never internal-backbone-cleartext\n    between internal backbone\n    unless tunnel\n    reason tunnel\n\n");
        // the traffic the per-packet measurement sends (UDP to the hub through the tunnel) matches
        // the first flow, so its path through the table is the same whatever the number of prefixes
        r.append("service probe\n    protocol udp\nflow probe\n    from internal\n    to backbone\n    via tunnel\n    services probe\n\n");
        for (int i = 0; i < rules; i++) {
            r.append("service s").append(i).append("\n    protocol tcp\n    ports ").append(10000 + i).append('\n');
            r.append("flow f").append(i).append("\n    from internal\n    to backbone\n    via tunnel\n    services s").append(i);
            if (prefixesPerRule > 0) {
                r.append("\n    destinations");
                for (int k = 0; k < prefixesPerRule; k++) {
                    int n = i * prefixesPerRule + k;
                    r.append(" 10.").append(100 + (n >> 14)).append('.').append((n >> 6) & 0xff).append('.').append((n & 0x3f) << 2).append("/30");
                }
            }
            r.append("\n\n");
        }
        Files.writeString(dir.resolve("30-rules.policy"), r);
    }

    /** The i-th /28 from 10.200.0.0 up (4,096 per /16; 32,768 fit below 10.208.0.0). */
    static String slash28(int i) {
        int n = i;
        return "10." + (200 + (n >> 12)) + "." + ((n >> 4) & 0xff) + "." + ((n & 0xf) << 4) + "/28";
    }
}
