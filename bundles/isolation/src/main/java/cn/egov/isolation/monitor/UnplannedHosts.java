package cn.egov.isolation.monitor;

import cn.egov.isolation.capture.AddressClaim;
import cn.egov.isolation.capture.DecodedPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The unplanned-host check (私接设备) of {@link FlowClassifier}: on an interface of an internal or
 * external LAN, every address a host shows must lie in the unit's allocations for that zone
 * ({@link ClassificationPolicy.HostPlan}). What shows an address:
 * <ul>
 *   <li>the claims of the link-local protocols ({@link AddressClaim}:
 *       ARP sender or probe target, DHCP ciaddr, option 50, yiaddr and the server's source,
 *       neighbour discovery source, NA target, DAD target): never forwarded, so always a host on
 *       this segment;</li>
 *   <li>the IP source of any other packet, unless its destination is a planned host of this LAN:
 *       such a packet may have been forwarded there by a router (the box's replies from the
 *       backbone or the Internet). A host that talks to a planned neighbour directly must ARP or
 *       solicit for it first, and shows itself that way.</li>
 * </ul>
 * Unspecified, link-local, loopback, multicast and broadcast addresses are no host's; nor are the
 * box's own addresses, nor any frame from one of the box's MACs (its own traffic and what it
 * forwards), when the live monitor knows them. Not thread-safe: used under the classifier.
 */
final class UnplannedHosts {

    /** Receives each address outside the plan, with the MAC that showed it and how (null: the IP source). */
    @FunctionalInterface
    interface Reporter {
        void outside(DecodedPacket p, long hi, long lo, long mac, AddressClaim how);
    }

    private final ClassificationPolicy policy;
    private final PrefixSet notAHost;
    private PrefixSet boxAddresses = new PrefixSet(List.of());
    private long[] boxMacs = new long[0];
    /** Per capture interface: the planned prefixes of its LAN, or null when it is not checked. */
    private PrefixSet[] planned = new PrefixSet[0];
    /** Per capture interface: the zones and allocations, in words for the finding. */
    private String[] plannedText = new String[0];
    private String[] zoneText = new String[0];
    /** Per capture interface: the capture does not name it. */
    private boolean[] unnamed = new boolean[0];
    private long unnamedFrames;

    UnplannedHosts(ClassificationPolicy policy, PrefixSet notAHost) {
        this.policy = policy;
        this.notAHost = notAHost;
    }

    /** Addresses and MACs of the box itself: never an unplanned host. */
    void boxOwns(List<Prefix> addresses, long[] macs) {
        boxAddresses = new PrefixSet(addresses);
        boxMacs = macs.clone();
    }

    /** Declares capture interface {@code index}; {@code name} null when the capture does not name it. */
    void interfaceDeclared(int index, String name, boolean tunnel) {
        if (index >= planned.length) {
            int n = Math.max(index + 1, planned.length * 2);
            planned = Arrays.copyOf(planned, n);
            plannedText = Arrays.copyOf(plannedText, n);
            zoneText = Arrays.copyOf(zoneText, n);
            unnamed = Arrays.copyOf(unnamed, n);
        }
        planned[index] = null;
        unnamed[index] = name == null && policy.hostPlan().on();
        ClassificationPolicy.HostPlan plan = policy.hostPlan();
        if (name == null || tunnel || !plan.on()) {
            return;
        }
        List<Prefix> prefixes = new ArrayList<>();
        List<String> zones = new ArrayList<>();
        for (String zone : policy.zonesOfInterface(name)) {
            ClassificationPolicy.Role role = policy.zones().get(policy.zoneIndex(zone)).role();
            List<Prefix> own = plan.allocations().get(zone);
            if ((role == ClassificationPolicy.Role.INTERNAL || role == ClassificationPolicy.Role.EXTERNAL) && own != null) {
                zones.add(zone);
                prefixes.addAll(own);
            }
        }
        if (zones.isEmpty()) {
            return;
        }
        planned[index] = new PrefixSet(prefixes);
        plannedText[index] = prefixes.isEmpty() ? "(no allocation)"
                : prefixes.stream().map(Prefix::toString).collect(Collectors.joining(", "));
        zoneText[index] = String.join(" and ", zones);
    }

    /**
     * Checks one packet (IP or not) on capture interface {@code index}; reports every address
     * outside the plan and returns true when there was none.
     */
    boolean check(DecodedPacket p, int index, Reporter reporter) {
        PrefixSet lan = planned[index];
        if (lan == null) {
            if (unnamed[index]) {
                unnamedFrames++;
            }
            return true;
        }
        for (long mac : boxMacs) {
            if (p.srcMac == mac) {
                return true;
            }
        }
        boolean clean = true;
        for (int i = 0; i < p.claims; i++) {
            if (!lan.contains(p.claimHi[i], p.claimLo[i]) && isHost(p.claimHi[i], p.claimLo[i])) {
                reporter.outside(p, p.claimHi[i], p.claimLo[i], p.claimMac[i], p.claimKind[i]);
                clean = false;
            }
        }
        if (p.kind == DecodedPacket.Kind.IP && !p.sourceClaimed && !lan.contains(p.srcHi, p.srcLo)
                && isHost(p.srcHi, p.srcLo) && !lan.contains(p.dstHi, p.dstLo)) {
            reporter.outside(p, p.srcHi, p.srcLo, p.srcMac, null);
            clean = false;
        }
        return clean;
    }

    /** Whether frames on capture interface {@code index} are checked (an interface of a LAN zone the plan covers). */
    boolean checks(int index) {
        return index < planned.length && planned[index] != null;
    }

    private boolean isHost(long hi, long lo) {
        return !notAHost.contains(hi, lo) && !boxAddresses.contains(hi, lo);
    }

    /** "zone internal" and the unit's allocations there, for the finding on interface {@code index}. */
    String zones(int index) {
        return zoneText[index];
    }

    String plannedText(int index) {
        return plannedText[index];
    }

    /**
     * Frames the check could not look at because the capture does not name their interface (a
     * pcap file without {@code --interface}): which LAN they were on is unknown.
     */
    long unnamedFrames() {
        return unnamedFrames;
    }
}
