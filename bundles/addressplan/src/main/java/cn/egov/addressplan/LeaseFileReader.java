package cn.egov.addressplan;

import cn.egov.addressplan.SiteObservation.Lease;
import cn.egov.rules.plan.IpPrefix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads DHCP lease files of dnsmasq ({@code <expiry> <mac> <ip> <hostname|*> <client-id>} per
 * line) and ISC dhcpd ({@code lease <ip> { ... hardware ethernet <mac>; client-hostname "x"; }}).
 * The format is recognised from the content. For ISC files the last block of an address wins, as
 * dhcpd appends. A line that cannot be read is reported with file and line and skipped: one bad
 * lease must not hide the others.
 */
public final class LeaseFileReader {

    /** Problems met while reading, {@code file:line: message}. */
    private final List<String> problems = new ArrayList<>();

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Reads one lease file; a missing file yields no leases (no DHCP server on this site). */
    public List<Lease> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean isc = lines.stream().anyMatch(l -> l.strip().startsWith("lease "));
        return isc ? isc(file, lines) : dnsmasq(file, lines);
    }

    private List<Lease> dnsmasq(Path file, List<String> lines) {
        List<Lease> out = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String l = lines.get(n).strip();
            if (l.isEmpty() || l.startsWith("duid ")) {
                continue;
            }
            String[] f = l.split("\\s+");
            try {
                if (f.length < 4) {
                    throw new IllegalArgumentException("expected <expiry> <mac> <ip> <hostname> [client-id]");
                }
                String host = "*".equals(f[3]) ? "" : f[3];
                out.add(new Lease(IpPrefix.address(f[2]), f[1], host, file.toString()));
            } catch (IllegalArgumentException e) {
                problems.add(file + ":" + (n + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    private List<Lease> isc(Path file, List<String> lines) {
        Map<IpPrefix, Lease> byAddress = new LinkedHashMap<>();
        IpPrefix addr = null;
        String mac = "";
        String host = "";
        int start = 0;
        for (int n = 0; n < lines.size(); n++) {
            String l = lines.get(n).strip();
            try {
                if (l.startsWith("lease ")) {
                    start = n + 1;
                    addr = IpPrefix.address(l.substring(6, l.indexOf('{') > 0 ? l.indexOf('{') : l.length()).strip());
                    mac = "";
                    host = "";
                } else if (addr != null && l.startsWith("hardware ethernet ")) {
                    mac = l.substring("hardware ethernet ".length()).replace(";", "").strip();
                } else if (addr != null && l.startsWith("client-hostname ")) {
                    host = l.substring("client-hostname ".length()).replace(";", "").replace("\"", "").strip();
                } else if (addr != null && l.startsWith("}")) {
                    byAddress.remove(addr);
                    byAddress.put(addr, new Lease(addr, mac, host, file.toString()));
                    addr = null;
                }
            } catch (IllegalArgumentException e) {
                problems.add(file + ":" + (n + 1) + ": " + e.getMessage());
                addr = null;
            }
        }
        if (addr != null) {
            problems.add(file + ":" + start + ": lease block not closed");
        }
        return new ArrayList<>(byAddress.values());
    }
}
