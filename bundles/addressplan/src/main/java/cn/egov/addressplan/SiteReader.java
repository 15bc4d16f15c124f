package cn.egov.addressplan;

import cn.egov.addressplan.SiteObservation.HostName;
import cn.egov.addressplan.SiteObservation.Lease;
import cn.egov.addressplan.SiteObservation.Neighbour;
import cn.egov.rules.plan.IpPrefix;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers a {@link SiteObservation}: {@code ip -j} output, lease files, a hosts file and,
 * when asked, reverse names of the neighbours. Unreadable lines of lease and hosts files are
 * collected in {@link #problems()} rather than failing the whole check.
 */
public final class SiteReader {

    private final IpCommandReader ip;
    private final List<Path> leaseFiles;
    private final Path hostsFile;
    private final boolean reverseNames;
    private final List<String> problems = new ArrayList<>();

    /**
     * @param ip           reader of addresses, routes and neighbours
     * @param leaseFiles   dnsmasq or ISC dhcpd lease files; missing files are skipped
     * @param hostsFile    hosts file, or null for none
     * @param reverseNames whether to look up a reverse name for each neighbour
     */
    public SiteReader(IpCommandReader ip, List<Path> leaseFiles, Path hostsFile, boolean reverseNames) {
        this.ip = ip;
        this.leaseFiles = List.copyOf(leaseFiles);
        this.hostsFile = hostsFile;
        this.reverseNames = reverseNames;
    }

    public SiteObservation read() throws IOException {
        problems.clear();
        List<Neighbour> neighbours = ip.neighbours();
        List<Lease> leases = new ArrayList<>();
        LeaseFileReader lr = new LeaseFileReader();
        for (Path f : leaseFiles) {
            leases.addAll(lr.read(f));
        }
        problems.addAll(lr.problems());
        List<HostName> names = new ArrayList<>();
        if (hostsFile != null) {
            HostsFileReader hr = new HostsFileReader();
            names.addAll(hr.read(hostsFile));
            problems.addAll(hr.problems());
        }
        if (reverseNames) {
            for (Neighbour n : neighbours) {
                String name = reverse(n.address());
                if (name != null) {
                    names.add(new HostName(n.address(), name, "reverse lookup"));
                }
            }
        }
        return new SiteObservation(ip.addresses(), ip.routes(), neighbours, leases, names);
    }

    private static String reverse(IpPrefix a) {
        try {
            InetAddress ia = InetAddress.getByName(a.addressText());
            String name = ia.getCanonicalHostName();
            return name.equals(a.addressText()) ? null : name;
        } catch (IOException e) {
            return null;
        }
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }
}
