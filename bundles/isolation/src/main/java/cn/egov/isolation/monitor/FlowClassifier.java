package cn.egov.isolation.monitor;

import cn.egov.isolation.capture.AddressClaim;
import cn.egov.isolation.capture.DecodedPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Classifies decoded packets against a {@link ClassificationPolicy}; the same instance type
 * serves the live monitor and the offline audit. Not thread-safe: one per capture thread.
 *
 * <p>Rules, in order (a packet yields at most one of the first three):
 * <ol>
 *   <li><b>outbound</b> (违规外联): source in an INTERNAL zone, destination outside the planned
 *       government prefixes (DNS, port 53/853, is reported as {@code outbound-dns});</li>
 *   <li><b>backbone-bypass</b>: destination in the backbone prefixes, seen in the clear on an
 *       uplink: an interface of a BACKBONE or INTERNET_ACCESS zone other than the tunnel's (on a
 *       LAN interface such a packet is on its way into the tunnel; a capture that does not name
 *       its interface cannot show this rule). IKE and ESP to or from the tunnel's endpoint are
 *       the tunnel itself and never a violation;</li>
 *   <li><b>cross-zone</b>: source and destination zones differ and no allowed flow covers the
 *       packet, nor its reverse (a reply; a TCP SYN is never a reply). A destination outside
 *       every zone's prefixes counts as the BACKBONE zone when in the backbone prefixes, as the
 *       INTERNET_ACCESS zone when outside the plan, and as unknown (no finding) otherwise;</li>
 *   <li><b>dual-homed</b>: a unicast source MAC seen in a second zone. The zone of a MAC is its
 *       interface's when the capture names interfaces; otherwise the zone of an ARP sender or of
 *       local (same-zone) traffic, so that a router forwarding between zones does not count;</li>
 *   <li><b>unzoned-interface</b>: any frame on a named interface that no zone holds;</li>
 *   <li><b>unplanned-host</b> (私接设备): an address a host shows on an internal or external LAN
 *       (IP source, ARP, DHCP, neighbour discovery) outside the unit's allocations for that zone;
 *       once per interface, address and MAC, in a table of its own ({@link UnplannedHosts}).</li>
 * </ol>
 * The source zone is the first of the interface's zones whose prefixes hold the source address,
 * else any zone whose prefixes hold it (forwarded traffic leaving by this interface), else the
 * interface's only zone, or its zone without prefixes. Destinations of local scope (multicast, broadcast, link-local, loopback) are never
 * violations. Packets of a flow that broke no address rule are remembered ({@link CleanFlowCache})
 * so that its later packets only have their MAC checked. Each finding is reported once per flow (rule, protocol, addresses, ports; per MAC
 * and zone pair; per interface); later packets of the flow are counted.
 */
public final class FlowClassifier {

    private static final int NONE = -1;
    private static final int DNS_PORT = 53;
    private static final int DNS_OVER_TLS_PORT = 853;
    private static final int IKE_PORT = 500;
    private static final int IKE_NAT_T_PORT = 4500;
    private static final List<Prefix> LOCAL_SCOPE = List.of(
            Prefix.parse("0.0.0.0/8"), Prefix.parse("127.0.0.0/8"), Prefix.parse("169.254.0.0/16"),
            Prefix.parse("224.0.0.0/4"), Prefix.parse("255.255.255.255/32"),
            Prefix.parse("::/128"), Prefix.parse("::1/128"), Prefix.parse("fe80::/10"), Prefix.parse("ff00::/8"));
    private static final long MAC_MULTICAST_BIT = 0x0100_0000_0000L;
    /** Recent clean flows remembered (160 KB: stays in the second-level cache). */
    private static final int CLEAN_FLOW_SLOTS = 1 << 12;
    private static final int CACHE_MISS = Integer.MIN_VALUE;

    private final ClassificationPolicy policy;
    private final FindingSink sink;
    private final ClassificationPolicy.Zone[] zones;
    private final ClassificationPolicy.Role[] roles;
    private final PrefixSet zonePrefixes;
    private final PrefixSet planned;
    private final PrefixSet backbone;
    private final PrefixSet tunnelEndpoints;
    private final PrefixSet localScope = new PrefixSet(LOCAL_SCOPE);
    private final PrefixSet[] zoneOwnPrefixes;
    private final CompiledFlow[][][] allowed;
    private final int internetZone;
    private final int backboneZone;
    private final FlowTable flows;
    private final FlowTable macZones;
    private final CleanFlowCache cleanFlows = new CleanFlowCache(CLEAN_FLOW_SLOTS);
    private final UnplannedHosts hosts;
    /** One entry per unplanned host (interface, address, MAC): its finding number. */
    private final FlowTable hostTable;
    private final UnplannedHosts.Reporter hostReporter = this::reportHost;

    /** Per capture interface: its zones, or null when the capture does not name it. */
    private int[][] interfaceZones = new int[0][];
    /** Per capture interface: its zone without prefixes, or NONE. */
    private int[] interfaceAnyZone = new int[0];
    private boolean[] interfaceIsTunnel = new boolean[0];
    /** Per capture interface: it serves a BACKBONE or INTERNET_ACCESS zone (an uplink). */
    private boolean[] interfaceIsUplink = new boolean[0];
    private String[] interfaceNames = new String[0];
    private int findings;
    private final long[] packetsByRule = new long[FindingRule.values().length];

    /** Name of the unplanned-host table in {@link FindingSink#tableOverflow}. */
    public static final String HOST_TABLE = "unplanned-hosts";
    /** Unplanned hosts remembered when the caller does not say. */
    public static final int DEFAULT_HOST_TABLE = 1 << 16;

    /**
     * @param tableCapacity the most flows (and, separately, MACs) remembered for de-duplication
     */
    public FlowClassifier(ClassificationPolicy policy, FindingSink sink, int tableCapacity) {
        this(policy, sink, tableCapacity, DEFAULT_HOST_TABLE);
    }

    /**
     * @param tableCapacity     the most flows (and, separately, MACs) remembered for de-duplication
     * @param hostTableCapacity the most unplanned hosts remembered; when full, the table is cleared
     *                          and reported to the sink as table {@value #HOST_TABLE}
     */
    public FlowClassifier(ClassificationPolicy policy, FindingSink sink, int tableCapacity, int hostTableCapacity) {
        this.policy = policy;
        this.sink = sink;
        this.zones = policy.zones().toArray(ClassificationPolicy.Zone[]::new);
        this.roles = new ClassificationPolicy.Role[zones.length];
        List<Prefix> prefixes = new ArrayList<>();
        List<Integer> tags = new ArrayList<>();
        int internet = NONE;
        int bb = NONE;
        for (int z = 0; z < zones.length; z++) {
            roles[z] = zones[z].role();
            for (Prefix p : zones[z].prefixes()) {
                prefixes.add(p);
                tags.add(z);
            }
            if (roles[z] == ClassificationPolicy.Role.INTERNET_ACCESS && internet == NONE) {
                internet = z;
            }
            if (roles[z] == ClassificationPolicy.Role.BACKBONE && bb == NONE) {
                bb = z;
            }
        }
        this.internetZone = internet;
        this.backboneZone = bb;
        this.zonePrefixes = new PrefixSet(prefixes, tags.stream().mapToInt(Integer::intValue).toArray());
        this.planned = new PrefixSet(policy.plannedPrefixes());
        this.backbone = new PrefixSet(policy.backbonePrefixes());
        this.tunnelEndpoints = new PrefixSet(policy.tunnel().endpoints());
        this.zoneOwnPrefixes = new PrefixSet[zones.length];
        for (int z = 0; z < zones.length; z++) {
            zoneOwnPrefixes[z] = new PrefixSet(zones[z].prefixes());
        }
        this.allowed = new CompiledFlow[zones.length][zones.length][];
        for (int from = 0; from < zones.length; from++) {
            for (int to = 0; to < zones.length; to++) {
                String f = zones[from].name();
                String t = zones[to].name();
                allowed[from][to] = policy.allowedFlows().stream()
                        .filter(a -> a.from().equals(f) && a.to().equals(t))
                        .map(CompiledFlow::new)
                        .toArray(CompiledFlow[]::new);
            }
        }
        this.flows = new FlowTable(tableCapacity);
        this.macZones = new FlowTable(tableCapacity);
        this.hosts = new UnplannedHosts(policy, localScope);
        this.hostTable = new FlowTable(hostTableCapacity);
    }

    /**
     * The box's own addresses and MACs (the live monitor reads them from its interfaces): never
     * unplanned hosts, and frames from those MACs (the box's own and what it forwards) are not
     * looked at for them.
     */
    public void boxOwns(List<Prefix> addresses, long[] macs) {
        hosts.boxOwns(addresses, macs);
        cleanFlows.clear();
    }

    /** Whether frames on capture interface {@code index} are checked for unplanned hosts. */
    public boolean checksHosts(int index) {
        return hosts.checks(index);
    }

    /** Unplanned hosts remembered now. */
    public int unplannedHosts() {
        return hostTable.size();
    }

    /** How often the unplanned-host table filled up and was cleared. */
    public long unplannedHostTableOverflows() {
        return hostTable.overflows();
    }

    /** Frames not checked for unplanned hosts because the capture does not name their interface. */
    public long framesOnUnnamedInterfaces() {
        return hosts.unnamedFrames();
    }

    /** Declares a capture interface; {@code name} null means the capture does not say. */
    public void interfaceDeclared(int index, String name) {
        if (index >= interfaceZones.length) {
            int n = Math.max(index + 1, interfaceZones.length * 2);
            interfaceZones = Arrays.copyOf(interfaceZones, n);
            interfaceAnyZone = Arrays.copyOf(interfaceAnyZone, n);
            interfaceIsTunnel = Arrays.copyOf(interfaceIsTunnel, n);
            interfaceIsUplink = Arrays.copyOf(interfaceIsUplink, n);
            interfaceNames = Arrays.copyOf(interfaceNames, n);
        }
        cleanFlows.clear();
        interfaceNames[index] = name;
        interfaceIsTunnel[index] = name != null && name.equals(policy.tunnel().interfaceName());
        interfaceAnyZone[index] = NONE;
        interfaceIsUplink[index] = false;
        hosts.interfaceDeclared(index, name, interfaceIsTunnel[index]);
        if (name == null) {
            interfaceZones[index] = null;
            return;
        }
        int[] zs = policy.zonesOfInterface(name).stream().mapToInt(policy::zoneIndex).toArray();
        interfaceZones[index] = zs;
        for (int z : zs) {
            if (roles[z] == ClassificationPolicy.Role.BACKBONE || roles[z] == ClassificationPolicy.Role.INTERNET_ACCESS) {
                interfaceIsUplink[index] = !interfaceIsTunnel[index];
            }
        }
        // An interface of one zone owns whatever arrives on it; of several, the zone without prefixes does.
        if (zs.length == 1) {
            interfaceAnyZone[index] = zs[0];
        } else {
            for (int z : zs) {
                if (zones[z].prefixes().isEmpty() && interfaceAnyZone[index] == NONE) {
                    interfaceAnyZone[index] = z;
                }
            }
        }
    }

    /** The zone of an address seen on a capture interface (see the class comment), or NONE. */
    private int zoneOn(int index, long hi, long lo) {
        int[] candidates = interfaceZones[index];
        if (candidates != null) {
            for (int z : candidates) {
                if (zoneOwnPrefixes[z].contains(hi, lo)) {
                    return z;
                }
            }
        }
        int byAddress = zonePrefixes.tagOf(hi, lo, NONE);
        if (byAddress != NONE || candidates == null) {
            return byAddress;
        }
        return interfaceAnyZone[index];
    }

    /** Packets that broke each rule (all packets, not only the first of each flow), by {@link FindingRule#ordinal()}. */
    public long[] packetsByRule() {
        return packetsByRule.clone();
    }

    /** Classifies one decoded packet ({@code IP} or {@code OTHER}; other kinds are ignored). */
    public void classify(DecodedPacket p) {
        if (p.kind != DecodedPacket.Kind.IP && p.kind != DecodedPacket.Kind.OTHER) {
            return;
        }
        int index = p.interfaceIndex;
        if (index >= interfaceZones.length) {
            interfaceDeclared(index, null);
        }
        int[] candidates = interfaceZones[index];
        boolean named = candidates != null;
        if (named && candidates.length == 0 && !interfaceIsTunnel[index]) {
            report(FindingRule.UNZONED_INTERFACE, key(FindingRule.UNZONED_INTERFACE.ordinal(), index), p, NONE, NONE);
        }
        boolean ip = p.kind == DecodedPacket.Kind.IP;
        // Claims (DHCP, NDP) vary within a flow (each offer its own yiaddr): such packets are never cached.
        long cacheKey = ip && p.claims == 0 ? CleanFlowCache.meta(p) : 0;
        if (cacheKey != 0) {
            int cachedZone = cleanFlows.lookup(p, cacheKey, CACHE_MISS);
            if (cachedZone != CACHE_MISS) {
                checkMac(p, cachedZone);
                return;
            }
        }
        int dstAddressZone = ip ? zonePrefixes.tagOf(p.dstHi, p.dstLo, NONE) : NONE;
        int srcZone = ip || p.arpSender ? zoneOn(index, p.srcHi, p.srcLo) : NONE;
        int segment = segmentZone(index, srcZone, dstAddressZone, ip);
        checkMac(p, segment);
        boolean hostsPlanned = hosts.check(p, index, hostReporter);
        if (ip && addressRulesPass(p, index, srcZone, dstAddressZone) && hostsPlanned && cacheKey != 0) {
            cleanFlows.put(p, cacheKey, segment);
        }
    }

    /** One host outside the plan: a finding the first time (interface, address, MAC) is seen, else counted. */
    private void reportHost(DecodedPacket p, long hi, long lo, long mac, AddressClaim how) {
        packetsByRule[FindingRule.UNPLANNED_HOST.ordinal()]++;
        long key = key(key(key(key(FindingRule.UNPLANNED_HOST.ordinal(), p.interfaceIndex), hi), lo), mac);
        int number = hostTable.get(key);
        if (number != FlowTable.ABSENT) {
            sink.repeated(number);
            return;
        }
        long before = hostTable.overflows();
        number = findings++;
        hostTable.putIfAbsent(key, number);
        if (hostTable.overflows() != before) {
            sink.tableOverflow(HOST_TABLE, hostTable.overflows());
        }
        int index = p.interfaceIndex;
        String vlan = p.outerVlan < 0 ? null : p.innerVlan < 0 ? Integer.toString(p.outerVlan) : p.outerVlan + "." + p.innerVlan;
        String seen = how != null ? how.text() + dhcpType(p) : (p.ipVersion == 4 ? "IPv4" : "IPv6") + " source, "
                + protocolName(p.protocol) + " to " + IpAddress.format(p.dstHi, p.dstLo) + (p.dstPort >= 0 ? " port " + p.dstPort : "");
        String planned = hosts.plannedText(index);
        String rule = "hosts on the LAN of zone " + hosts.zones(index) + " have addresses of unit " + policy.hostPlan().unit()
                + "'s allocation there: " + planned;
        sink.found(number, new Finding(FindingRule.UNPLANNED_HOST, p.timeNanos, interfaceNames[index], IpAddress.format(hi, lo),
                null, protocolOf(p, how), -1, -1, mac < 0 ? null : macText(mac), vlan, rule, seen, planned));
    }

    private static String dhcpType(DecodedPacket p) {
        return switch (p.dhcpMessageType) {
            case -1 -> "";
            case 1 -> " in a DHCPDISCOVER";
            case 2 -> " in a DHCPOFFER";
            case 3 -> " in a DHCPREQUEST";
            case 4 -> " in a DHCPDECLINE";
            case 5 -> " in a DHCPACK";
            case 6 -> " in a DHCPNAK";
            case 7 -> " in a DHCPRELEASE";
            case 8 -> " in a DHCPINFORM";
            default -> " in DHCP message type " + p.dhcpMessageType;
        };
    }

    private static String protocolOf(DecodedPacket p, AddressClaim how) {
        if (how == null) {
            return protocolName(p.protocol);
        }
        return switch (how) {
            case ARP_SENDER, ARP_GRATUITOUS, ARP_PROBE -> "arp";
            case DHCP_CIADDR, DHCP_REQUESTED, DHCP_YIADDR, DHCP_SERVER -> "dhcp";
            case NDP_SOURCE, NDP_NA_TARGET, NDP_DAD_TARGET -> "ndp";
        };
    }

    /** The outbound, bypass and cross-zone rules; reports what the packet breaks, true when nothing. */
    private boolean addressRulesPass(DecodedPacket p, int index, int srcZone, int dstAddressZone) {
        if (localScope.contains(p.dstHi, p.dstLo) || tunnelTransport(p)) {
            return true;
        }
        boolean dstPlanned = planned.contains(p.dstHi, p.dstLo);
        if (srcZone >= 0 && roles[srcZone] == ClassificationPolicy.Role.INTERNAL && !dstPlanned) {
            boolean dns = (p.protocol == DecodedPacket.PROTO_UDP || p.protocol == DecodedPacket.PROTO_TCP)
                    && (p.dstPort == DNS_PORT || p.dstPort == DNS_OVER_TLS_PORT);
            FindingRule rule = dns ? FindingRule.OUTBOUND_DNS : FindingRule.OUTBOUND;
            report(rule, flowKey(rule, p), p, srcZone, NONE);
            return false;
        }
        boolean dstBackbone = backbone.contains(p.dstHi, p.dstLo);
        if (dstBackbone && interfaceIsUplink[index]) {
            report(FindingRule.BACKBONE_BYPASS, flowKey(FindingRule.BACKBONE_BYPASS, p), p, NONE, NONE);
            return false;
        }
        int dstZone = dstAddressZone;
        if (dstZone < 0) {
            dstZone = dstBackbone ? backboneZone : dstPlanned ? NONE : internetZone;
        }
        if (srcZone < 0 || dstZone < 0 || srcZone == dstZone) {
            return true;
        }
        if (allows(srcZone, dstZone, p, false) || (!p.tcpOpening() && allows(dstZone, srcZone, p, true))) {
            return true;
        }
        report(FindingRule.CROSS_ZONE, flowKey(FindingRule.CROSS_ZONE, p), p, srcZone, dstZone);
        return false;
    }

    /** Whether a flow from zone {@code from} to {@code to} covers the packet, or, as a reply, its reverse. */
    private boolean allows(int from, int to, DecodedPacket p, boolean reply) {
        for (CompiledFlow f : allowed[from][to]) {
            if (reply ? f.matches(p.protocol, p.srcPort, p.dstHi, p.dstLo, p.srcHi, p.srcLo)
                    : f.matches(p.protocol, p.dstPort, p.srcHi, p.srcLo, p.dstHi, p.dstLo)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The zone of the segment a frame's source MAC sits on: the interface's when it serves one
     * zone, the source zone when it serves several; for unnamed interfaces only ARP senders and
     * same-zone traffic, because a router's MAC carries every zone's forwarded packets.
     */
    private int segmentZone(int index, int srcZone, int dstAddressZone, boolean ip) {
        int[] candidates = interfaceZones[index];
        if (candidates != null) {
            return candidates.length == 1 ? candidates[0] : srcZone;
        }
        if (!ip) {
            return srcZone;
        }
        return srcZone == dstAddressZone ? srcZone : NONE;
    }

    /** An allowed flow with its prefix lists in scan form. */
    private static final class CompiledFlow {
        final ClassificationPolicy.Service[] services;
        final PrefixSet sources;
        final PrefixSet destinations;
        final boolean anySource;
        final boolean anyDestination;

        CompiledFlow(ClassificationPolicy.AllowedFlow f) {
            services = f.services().toArray(ClassificationPolicy.Service[]::new);
            sources = new PrefixSet(f.sources());
            destinations = new PrefixSet(f.destinations());
            anySource = f.sources().isEmpty();
            anyDestination = f.destinations().isEmpty();
        }

        boolean matches(int protocol, int port, long srcHi, long srcLo, long dstHi, long dstLo) {
            if (!anySource && !sources.contains(srcHi, srcLo)) {
                return false;
            }
            if (!anyDestination && !destinations.contains(dstHi, dstLo)) {
                return false;
            }
            if (services.length == 0) {
                return true;
            }
            for (ClassificationPolicy.Service s : services) {
                if (s.matches(protocol, port)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** IKE or ESP to or from the tunnel's endpoint: the tunnel itself, never a violation. */
    private boolean tunnelTransport(DecodedPacket p) {
        if (!tunnelEndpoints.contains(p.dstHi, p.dstLo) && !tunnelEndpoints.contains(p.srcHi, p.srcLo)) {
            return false;
        }
        return p.protocol == DecodedPacket.PROTO_ESP
                || (p.protocol == DecodedPacket.PROTO_UDP && (p.dstPort == IKE_PORT || p.dstPort == IKE_NAT_T_PORT
                || p.srcPort == IKE_PORT || p.srcPort == IKE_NAT_T_PORT));
    }

    private void checkMac(DecodedPacket p, int zone) {
        if (zone < 0 || p.srcMac < 0 || (p.srcMac & MAC_MULTICAST_BIT) != 0) {
            return;
        }
        int known = macZones.get(p.srcMac);
        if (known == FlowTable.ABSENT) {
            long before = macZones.overflows();
            macZones.putIfAbsent(p.srcMac, zone);
            if (macZones.overflows() != before) {
                sink.tableOverflow("mac-zones", macZones.overflows());
            }
        } else if (known != zone) {
            int a = Math.min(known, zone);
            int b = Math.max(known, zone);
            report(FindingRule.DUAL_HOMED, key(FindingRule.DUAL_HOMED.ordinal(), p.srcMac * 31 + a * 1021L + b), p, a, b);
        }
    }

    /** Zones {@code a} and {@code b} feed the words of the finding, built only for a new flow. */
    private void report(FindingRule rule, long key, DecodedPacket p, int a, int b) {
        packetsByRule[rule.ordinal()]++;
        int number = flows.get(key);
        if (number != FlowTable.ABSENT) {
            sink.repeated(number);
            return;
        }
        long before = flows.overflows();
        number = findings++;
        flows.putIfAbsent(key, number);
        if (flows.overflows() != before) {
            sink.tableOverflow("flows", flows.overflows());
        }
        sink.found(number, finding(rule, p, policyRule(rule, p, a, b)));
    }

    private String policyRule(FindingRule rule, DecodedPacket p, int a, int b) {
        return switch (rule) {
            case UNZONED_INTERFACE -> "interface " + interfaceNames[p.interfaceIndex] + " is assigned to no zone";
            case OUTBOUND, OUTBOUND_DNS -> "zone " + zones[a].name()
                    + " is internal: it may reach only the planned government prefixes";
            case BACKBONE_BYPASS -> "backbone prefixes are reached only through the tunnel"
                    + (policy.tunnel().interfaceName() == null ? "" : " (" + policy.tunnel().interfaceName() + ")");
            case CROSS_ZONE -> "no allowed flow from zone " + zones[a].name() + " to zone " + zones[b].name() + " for "
                    + protocolName(p.protocol) + (p.dstPort >= 0 ? "/" + p.dstPort : "");
            case DUAL_HOMED -> "a host belongs to one zone; this MAC is in zones " + zones[a].name() + " and " + zones[b].name();
            case UNPLANNED_HOST -> throw new IllegalStateException("unplanned hosts are reported by reportHost");
        };
    }

    private Finding finding(FindingRule rule, DecodedPacket p, String policyRule) {
        boolean ip = p.kind == DecodedPacket.Kind.IP;
        String vlan = p.outerVlan < 0 ? null : p.innerVlan < 0 ? Integer.toString(p.outerVlan) : p.outerVlan + "." + p.innerVlan;
        return new Finding(rule, p.timeNanos, interfaceNames[p.interfaceIndex],
                ip || p.arpSender ? IpAddress.format(p.srcHi, p.srcLo) : null,
                ip ? IpAddress.format(p.dstHi, p.dstLo) : null,
                ip ? protocolName(p.protocol) : (p.arpSender ? "arp" : null),
                ip ? p.srcPort : -1, ip ? p.dstPort : -1,
                p.srcMac < 0 ? null : macText(p.srcMac), vlan, policyRule);
    }

    private static long flowKey(FindingRule rule, DecodedPacket p) {
        long h = key(rule.ordinal(), p.protocol);
        h = key(h, p.srcHi);
        h = key(h, p.srcLo);
        h = key(h, p.dstHi);
        h = key(h, p.dstLo);
        return key(h, ((long) p.srcPort << 32) ^ (p.dstPort & 0xFFFF_FFFFL));
    }

    private static long key(long seed, long value) {
        return FlowTable.mix(seed * 0x9E3779B97F4A7C15L + value);
    }

    static String protocolName(int protocol) {
        return switch (protocol) {
            case DecodedPacket.PROTO_TCP -> "tcp";
            case DecodedPacket.PROTO_UDP -> "udp";
            case DecodedPacket.PROTO_ICMP -> "icmp";
            case DecodedPacket.PROTO_ICMPV6 -> "icmpv6";
            case DecodedPacket.PROTO_ESP -> "esp";
            case DecodedPacket.PROTO_SCTP -> "sctp";
            default -> Integer.toString(protocol);
        };
    }

    static String macText(long mac) {
        StringBuilder s = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int b = (int) (mac >>> shift) & 0xFF;
            s.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            if (shift > 0) {
                s.append(':');
            }
        }
        return s.toString();
    }
}
