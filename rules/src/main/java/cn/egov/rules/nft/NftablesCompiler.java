package cn.egov.rules.nft;

import cn.egov.rules.policy.FlowRule;
import cn.egov.rules.policy.IsolationPolicy;
import cn.egov.rules.policy.NeverRule;
import cn.egov.rules.policy.Prefix;
import cn.egov.rules.policy.Protocol;
import cn.egov.rules.policy.Service;
import cn.egov.rules.policy.Tunnel;
import cn.egov.rules.policy.TunnelMode;
import cn.egov.rules.policy.Zone;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles a validated {@link IsolationPolicy} into the nftables model of table {@code inet egov}.
 * All decisions are made here (chain of each rule, address family split, tunnel matching); the
 * {@link NftRenderer} only writes the result.
 *
 * <p>Shape of the table (rules do not grow with the number of prefixes: zones, tunnel peers and
 * rule addresses are named interval sets):
 * <pre>
 * forward (hook, policy drop)
 *   never rules: zone A to zone B [outside the tunnel]  goto deny_&lt;never&gt;  (before conntrack:
 *                                                        established connections are cut too)
 *   ct state vmap { established : accept, related : accept, invalid : drop }
 *   iifname @if_A [ip saddr @net_A_v4]                  jump fwd_from_A
 *   goto drop_forward                                   (record + drop)
 * fwd_from_A:   oifname @if_B [ip daddr @net_B_v4]      jump fwd_A__B
 * fwd_A__B:     one rule per flow and service, in policy order, accept
 * input (hook, policy drop): loopback, conntrack, IPv6 ND, tunnel IKE/ESP from peers,
 *                            iifname @if_A ... jump in_from_A, goto drop_input
 * output (hook, policy drop): the box's own traffic: loopback, conntrack, IPv6 ND/MLD,
 *                            tunnel IKE/ESP to peers on the tunnel zone's interfaces,
 *                            never rules "from box" (goto deny_&lt;never&gt;),
 *                            oifname @if_B ... jump out_to_B, goto drop_output
 * deny_&lt;never&gt;, drop_&lt;chain&gt;: add the packet to a bounded dynamic set, count, drop
 *                            (keyed by the incoming interface; by the outgoing one for the box's own traffic)
 * prerouting (hook, policy accept): the forward never rules once more, on the route the packet
 *                            would take (fib daddr oifname): recorded even when policy routing
 *                            (the route guard) refuses the packet before forward sees it
 * policy_info: rules whose comments carry the policy name, version and hash
 * </pre>
 * In output the never rules come after conntrack: they stop every new connection of the box,
 * while the ICMP errors the box sends about forwarded traffic (state related) still leave.
 */
public final class NftablesCompiler {

    /** How long a recorded denial stays in its set (repeats within it raise no new alarm). */
    public static final int DENIAL_MEMORY_SECONDS = 3600;
    /** Bound of each denial set; when full, packets are still dropped but not recorded. */
    public static final int DENIAL_SET_SIZE = 4096;
    /** nftables limits comments to 128 bytes. */
    static final int COMMENT_MAX_BYTES = 128;
    /** IKE and NAT-T ports a tunnel peer may use to reach the box. */
    static final String IKE_PORTS = "{ 500, 4500 }";
    /** The interface the packet would leave by, looked up before routing. */
    static final String ROUTE_OIF = "fib daddr oifname";
    /** Only unicast destinations: not the box's own (input decides those), nor LAN broadcast and multicast. */
    static final String ROUTE_UNICAST = "fib daddr type unicast";
    static final String CT_VMAP = "ct state vmap { established : accept, related : accept, invalid : drop }";
    static final String ND_TYPES = "nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert";
    /** The box's own link-local ICMPv6: neighbour discovery and the multicast listener reports the kernel sends. */
    static final String ND_MLD_TYPES = ND_TYPES + ", mld-listener-report, mld2-listener-report";

    private final IsolationPolicy p;
    private final LocalDate today;
    private final List<NftSet> sets = new ArrayList<>();
    private final List<NftChain> chains = new ArrayList<>();
    private final List<DenyPoint> denyPoints = new ArrayList<>();
    private final List<String> notCompiled = new ArrayList<>();

    private NftablesCompiler(IsolationPolicy policy, LocalDate today) {
        this.p = policy;
        this.today = today;
    }

    /**
     * Compiles; the policy must have passed {@link cn.egov.rules.policy.PolicyValidator}.
     * Exceptions that expired before {@code today} are left out (listed in {@link NftRuleset#notCompiled()}).
     */
    public static NftRuleset compile(IsolationPolicy policy, LocalDate today) {
        return new NftablesCompiler(policy, today).build();
    }

    /** A family-specific address match, or none: {@code null} family means "both". */
    private record Side(Boolean v6, List<String> matches) {
    }

    private NftRuleset build() {
        zoneSets();
        serviceSets();
        List<NftRule> forward = new ArrayList<>();
        List<NftRule> input = new ArrayList<>();
        List<NftRule> output = new ArrayList<>();
        List<NftRule> prerouting = new ArrayList<>();
        output.add(new NftRule(List.of("oifname \"lo\""), "accept", "base: loopback"));
        output.add(new NftRule(List.of(CT_VMAP), "", "base: connection tracking"));
        output.add(new NftRule(List.of("icmpv6 type { " + ND_MLD_TYPES + " }"), "accept", "base: IPv6 neighbour discovery and MLD"));
        for (Tunnel t : p.tunnels()) {
            output.addAll(tunnelPeerRules(t, false));
        }
        for (NeverRule n : p.nevers()) {
            boolean fromBox = Zone.BOX.equals(n.from());
            (fromBox ? output : forward).addAll(neverRules(n, n.from(), n.to()));
            if (!fromBox) {
                prerouting.addAll(routedNeverRules(n, n.from(), n.to()));
            }
            if (n.bothWays()) {
                forward.addAll(neverRules(n, n.to(), n.from()));
                prerouting.addAll(routedNeverRules(n, n.to(), n.from()));
            }
            denyChain(NftNames.denyChain(n.name()), NftNames.denySet(n.name(), false), NftNames.denySet(n.name(), true),
                    "never " + n.name(), n.origin().toString(), n.reason(), false, fromBox);
        }
        forward.add(new NftRule(List.of(CT_VMAP), "", "base: connection tracking"));
        input.add(new NftRule(List.of("iifname \"lo\""), "accept", "base: loopback"));
        input.add(new NftRule(List.of(CT_VMAP), "", "base: connection tracking"));
        input.add(new NftRule(List.of("icmpv6 type { " + ND_TYPES + " }"), "accept", "base: IPv6 neighbour discovery"));
        for (Tunnel t : p.tunnels()) {
            input.addAll(tunnelPeerRules(t, true));
        }
        Map<String, Map<String, List<FlowRule>>> byPair = new LinkedHashMap<>();
        for (FlowRule f : p.flows()) {
            if (!f.inForceOn(today)) {
                notCompiled.add(f.origin() + " " + f.label() + ": expired on " + f.expires());
                continue;
            }
            byPair.computeIfAbsent(f.from(), k -> new LinkedHashMap<>()).computeIfAbsent(f.to(), k -> new ArrayList<>()).add(f);
        }
        List<NftChain> regular = new ArrayList<>();
        for (Zone z : p.zones()) {
            Map<String, List<FlowRule>> targets = byPair.getOrDefault(z.name(), Map.of());
            List<NftRule> dispatch = new ArrayList<>();
            for (Map.Entry<String, List<FlowRule>> e : targets.entrySet()) {
                String to = e.getKey();
                if (Zone.BOX.equals(to)) {
                    String chain = NftNames.inputFrom(z.name());
                    for (Side in : zoneSide(z.name(), true)) {
                        input.add(new NftRule(in.matches(), "jump " + chain, comment(z.origin() + " zone " + z.name() + " to box")));
                    }
                    regular.add(new NftChain(chain, null, flowRules(e.getValue())));
                } else {
                    String chain = NftNames.forwardPair(z.name(), to);
                    for (Side out : zoneSide(to, false)) {
                        dispatch.add(new NftRule(out.matches(), "jump " + chain, comment(p.zone(to).origin() + " zone " + to)));
                    }
                    regular.add(new NftChain(chain, null, flowRules(e.getValue())));
                }
            }
            if (!dispatch.isEmpty()) {
                String chain = NftNames.forwardFrom(z.name());
                for (Side in : zoneSide(z.name(), true)) {
                    forward.add(new NftRule(in.matches(), "jump " + chain, comment(z.origin() + " zone " + z.name())));
                }
                regular.add(0, new NftChain(chain, null, dispatch));
            }
        }
        for (Map.Entry<String, List<FlowRule>> e : byPair.getOrDefault(Zone.BOX, Map.of()).entrySet()) {
            String to = e.getKey();
            String chain = NftNames.outputTo(to);
            for (Side out : zoneSide(to, false)) {
                output.add(new NftRule(out.matches(), "jump " + chain, comment(p.zone(to).origin() + " box to zone " + to)));
            }
            regular.add(new NftChain(chain, null, flowRules(e.getValue())));
        }
        forward.add(new NftRule(List.of(), "goto " + NftNames.defaultDenyChain(NftNames.FORWARD), "base: default deny"));
        input.add(new NftRule(List.of(), "goto " + NftNames.defaultDenyChain(NftNames.INPUT), "base: default deny"));
        output.add(new NftRule(List.of(), "goto " + NftNames.defaultDenyChain(NftNames.OUTPUT), "base: default deny"));
        denyChain(NftNames.defaultDenyChain(NftNames.FORWARD), NftNames.defaultDenySet(NftNames.FORWARD, false),
                NftNames.defaultDenySet(NftNames.FORWARD, true), "default deny (forward)", "base",
                "no flow allows this traffic", false, false);
        denyChain(NftNames.defaultDenyChain(NftNames.INPUT), NftNames.defaultDenySet(NftNames.INPUT, false),
                NftNames.defaultDenySet(NftNames.INPUT, true), "default deny (input)", "base",
                "no flow allows this traffic to the box", true, false);
        denyChain(NftNames.defaultDenyChain(NftNames.OUTPUT), NftNames.defaultDenySet(NftNames.OUTPUT, false),
                NftNames.defaultDenySet(NftNames.OUTPUT, true), "default deny (output)", "base",
                "no flow allows the box itself to send this traffic", false, true);
        List<NftChain> all = new ArrayList<>();
        if (!prerouting.isEmpty()) {
            all.add(new NftChain(NftNames.PREROUTING, "prerouting", "accept", prerouting));
        }
        all.add(new NftChain(NftNames.INPUT, "input", input));
        all.add(new NftChain(NftNames.FORWARD, "forward", forward));
        all.add(new NftChain(NftNames.OUTPUT, "output", output));
        all.addAll(regular);
        all.addAll(chains);
        all.add(new NftChain(NftNames.POLICY_INFO, null, List.of(
                new NftRule(List.of(), "counter", "policy=" + p.name()),
                new NftRule(List.of(), "counter", "version=" + p.version()),
                new NftRule(List.of(), "counter", "sha256=" + p.sha256()))));
        return new NftRuleset(p.name(), p.version(), p.sha256(), sets, all, denyPoints, notCompiled);
    }

    // ---- sets

    private void zoneSets() {
        for (Zone z : p.zones()) {
            List<String> ifaces = p.interfacesOf(z.name());
            sets.add(new NftSet(NftNames.zoneInterfaces(z.name()), "ifname", false,
                    ifaces.stream().map(i -> "\"" + i + "\"").toList(), false,
                    comment(z.origin() + " zone " + z.name() + interfaceOrigins(ifaces))));
            addressSets(z.prefixes(), v6 -> NftNames.zoneNet(z.name(), v6), z.origin() + " zone " + z.name());
        }
        for (Tunnel t : p.tunnels()) {
            if (t.mode() == TunnelMode.INTERFACE) {
                sets.add(new NftSet(NftNames.tunnelInterfaces(t.name()), "ifname", false, List.of("\"" + t.iface() + "\""),
                        false, comment(t.origin() + " tunnel " + t.name() + interfaceOrigins(List.of(t.iface())))));
            }
            addressSets(t.peers(), v6 -> NftNames.tunnelPeers(t.name(), v6), t.origin() + " tunnel " + t.name() + " peers");
        }
        for (FlowRule f : p.flows()) {
            if (f.inForceOn(today)) {
                addressSets(f.sources(), v6 -> NftNames.ruleSources(f.name(), v6), f.origin() + " " + f.label() + " sources");
                addressSets(f.destinations(), v6 -> NftNames.ruleDestinations(f.name(), v6), f.origin() + " " + f.label() + " destinations");
            }
        }
    }

    /**
     * Where the interfaces in a set were declared ({@code "; 10-zones.policy:27 interface eth0"}): the
     * set's elements come from the {@code interface} sections, not from the zone or tunnel that names it.
     */
    private String interfaceOrigins(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String name : names) {
            p.interfaces().stream().filter(i -> i.name().equals(name)).findFirst()
                    .ifPresent(i -> sb.append("; ").append(i.origin()).append(" interface ").append(name));
        }
        return sb.toString();
    }

    private void addressSets(List<Prefix> prefixes, java.util.function.Function<Boolean, String> name, String comment) {
        for (boolean v6 : new boolean[] {false, true}) {
            List<String> elems = prefixes.stream().filter(x -> x.v6() == v6).map(Prefix::toString).toList();
            if (!elems.isEmpty()) {
                sets.add(new NftSet(name.apply(v6), v6 ? "ipv6_addr" : "ipv4_addr", true, elems, false, comment(comment)));
            }
        }
    }

    private void serviceSets() {
        for (Service s : p.services()) {
            if (s.protocol().hasPorts() && !s.ports().isEmpty()) {
                sets.add(new NftSet(NftNames.service(s.name()), "inet_service", true,
                        s.ports().stream().map(Object::toString).toList(), false, comment(s.origin() + " service " + s.name())));
            }
        }
    }

    // ---- zone matching

    /**
     * How to match a zone on the way in (source) or out (destination): one {@link Side} per
     * address family the zone has prefixes in, or one family-free side when it has none.
     */
    private List<Side> zoneSide(String zoneName, boolean in) {
        Zone z = p.zone(zoneName);
        String ifMatch = (in ? "iifname @" : "oifname @") + NftNames.zoneInterfaces(zoneName);
        if (z.prefixes().isEmpty()) {
            return List.of(new Side(null, List.of(ifMatch)));
        }
        List<Side> out = new ArrayList<>();
        for (boolean v6 : new boolean[] {false, true}) {
            if (!z.prefixes(v6).isEmpty()) {
                out.add(new Side(v6, List.of(ifMatch, addr(v6, in) + " @" + NftNames.zoneNet(zoneName, v6))));
            }
        }
        return out;
    }

    private static String addr(boolean v6, boolean source) {
        return (v6 ? "ip6 " : "ip ") + (source ? "saddr" : "daddr");
    }

    /** Pairs of sides that can match the same packet (same family, or one family-free). */
    private static List<List<String>> combine(List<Side> a, List<Side> b) {
        List<List<String>> out = new ArrayList<>();
        for (Side x : a) {
            for (Side y : b) {
                if (x.v6() == null || y.v6() == null || x.v6().equals(y.v6())) {
                    List<String> m = new ArrayList<>(x.matches());
                    m.addAll(y.matches());
                    out.add(m);
                }
            }
        }
        return out;
    }

    // ---- never rules

    private List<NftRule> neverRules(NeverRule n, String from, String to) {
        List<String> tunnelCondition = List.of();
        if (n.unlessTunnel()) {
            Optional<Tunnel> into = p.tunnelInto(to);
            if (into.isPresent()) {
                Tunnel t = into.get();
                tunnelCondition = List.of(t.mode() == TunnelMode.INTERFACE
                        ? "oifname != @" + NftNames.tunnelInterfaces(t.name()) : "rt ipsec missing");
            } else {
                Tunnel t = p.tunnelInto(from).orElseThrow();
                tunnelCondition = List.of(t.mode() == TunnelMode.INTERFACE
                        ? "iifname != @" + NftNames.tunnelInterfaces(t.name()) : "meta ipsec missing");
            }
        }
        List<NftRule> out = new ArrayList<>();
        List<Side> source = Zone.BOX.equals(from) ? List.of(new Side(null, List.of())) : zoneSide(from, true);
        for (List<String> m : combine(source, zoneSide(to, false))) {
            List<String> all = new ArrayList<>(m);
            all.addAll(tunnelCondition);
            out.add(new NftRule(all, "goto " + NftNames.denyChain(n.name()),
                    comment(n.origin() + " never " + n.name() + ": " + from + " to " + to + (n.unlessTunnel() ? " outside tunnel" : ""))));
        }
        return out;
    }

    /**
     * The never rule once more, decided before routing on the route the packet would take
     * ({@code fib daddr oifname}, looked up as for a packet from the box: policy rules that select
     * on the incoming interface do not apply). Whatever the routing then does, the attempt is
     * recorded and dropped under the never rule's name: when policy routing refuses it (the route
     * guard's {@code unreachable} for the internal zone, or no route at all) the forward chain never
     * sees the packet and the attempt would leave no record, hence no alarm. Only unicast
     * destinations count ({@code fib daddr type unicast}): the box's own addresses are left to the
     * input chain, and LAN broadcast and multicast (DHCP, mDNS, SSDP), which the box would "route"
     * by its default route, never leave the segment and are no attempt to reach another zone. A tunnel of policy mode
     * ({@code rt ipsec missing}) cannot be told before routing; those never rules stay in forward only.
     */
    private List<NftRule> routedNeverRules(NeverRule n, String from, String to) {
        List<String> toInterfaces = p.interfacesOf(to);
        if (toInterfaces.isEmpty()) {
            return List.of();
        }
        List<String> tunnelCondition = List.of();
        if (n.unlessTunnel()) {
            Optional<Tunnel> into = p.tunnelInto(to);
            if (into.isPresent()) {
                if (into.get().mode() != TunnelMode.INTERFACE) {
                    return List.of();
                }
                tunnelCondition = List.of(ROUTE_OIF + " != " + anonymousSet(List.of(into.get().iface())));
            } else {
                Tunnel t = p.tunnelInto(from).orElseThrow();
                tunnelCondition = List.of(t.mode() == TunnelMode.INTERFACE
                        ? "iifname != @" + NftNames.tunnelInterfaces(t.name()) : "meta ipsec missing");
            }
        }
        List<NftRule> out = new ArrayList<>();
        for (Side source : zoneSide(from, true)) {
            for (Side dest : zoneNets(to)) {
                if (source.v6() != null && dest.v6() != null && !source.v6().equals(dest.v6())) {
                    continue;
                }
                // cheap matches first: the two route lookups only for packets between the two zones
                List<String> all = new ArrayList<>(source.matches());
                all.addAll(dest.matches());
                all.add(ROUTE_UNICAST);
                all.add(ROUTE_OIF + " " + anonymousSet(toInterfaces));
                all.addAll(tunnelCondition);
                out.add(new NftRule(all, "goto " + NftNames.denyChain(n.name()), comment(n.origin() + " never " + n.name() + ": "
                        + from + " to " + to + (n.unlessTunnel() ? " outside tunnel" : "") + ", before routing")));
            }
        }
        return out;
    }

    /** The destination zone's addresses: one side per family it has prefixes in, or one empty side. */
    private List<Side> zoneNets(String zoneName) {
        Zone z = p.zone(zoneName);
        if (z.prefixes().isEmpty()) {
            return List.of(new Side(null, List.of()));
        }
        List<Side> out = new ArrayList<>();
        for (boolean v6 : new boolean[] {false, true}) {
            if (!z.prefixes(v6).isEmpty()) {
                out.add(new Side(v6, List.of(addr(v6, false) + " @" + NftNames.zoneNet(zoneName, v6))));
            }
        }
        return out;
    }

    /** {@code fib daddr oifname} is a string, not an ifname: it cannot use the zones' named ifname sets. */
    private static String anonymousSet(List<String> interfaces) {
        return "{ " + String.join(", ", interfaces.stream().map(i -> "\"" + i + "\"").toList()) + " }";
    }

    /**
     * A chain that records the dropped packet in a dynamic set, then counts and drops it. The
     * record's interface is the incoming one, or for the box's own traffic ({@code outgoing}, where
     * there is none) the outgoing one.
     */
    private void denyChain(String chain, String setV4, String setV6, String rule, String origin, String reason,
                           boolean unicastOnly, boolean outgoing) {
        String portProtos = "{ tcp, udp, sctp }";
        List<NftRule> rules = new ArrayList<>();
        String only = unicastOnly ? "meta pkttype host " : "";
        for (boolean v6 : new boolean[] {false, true}) {
            String set = v6 ? setV6 : setV4;
            String ipk = v6 ? "ip6" : "ip";
            String key = (outgoing ? "meta oif . " : "meta iif . ") + ipk + " saddr . " + ipk + " daddr . meta l4proto . ";
            String nfproto = "meta nfproto " + (v6 ? "ipv6" : "ipv4");
            rules.add(new NftRule(List.of(only + nfproto + " meta l4proto " + portProtos), "add @" + set + " { " + key + "th dport }",
                    comment(origin + " " + rule + ": record")));
            rules.add(new NftRule(List.of(only + nfproto + " meta l4proto != " + portProtos), "add @" + set + " { " + key + "0 }",
                    comment(origin + " " + rule + ": record")));
            sets.add(new NftSet(set, "iface_index . " + (v6 ? "ipv6_addr . ipv6_addr" : "ipv4_addr . ipv4_addr")
                    + " . inet_proto . inet_service", false, List.of(), true, comment(origin + " " + rule + " denials")));
        }
        rules.add(new NftRule(List.of(), "counter drop", comment(origin + " " + rule)));
        chains.add(new NftChain(chain, null, rules));
        denyPoints.add(new DenyPoint(chain, setV4, setV6, rule, origin, reason));
    }

    /** IKE and ESP from the tunnel peers ({@code in}) or to them, on the tunnel zone's interfaces. */
    private List<NftRule> tunnelPeerRules(Tunnel t, boolean in) {
        List<NftRule> out = new ArrayList<>();
        String ifMatch = (in ? "iifname @" : "oifname @") + NftNames.zoneInterfaces(t.zone());
        for (boolean v6 : new boolean[] {false, true}) {
            if (t.peers().stream().anyMatch(x -> x.v6() == v6)) {
                String peer = addr(v6, in) + " @" + NftNames.tunnelPeers(t.name(), v6);
                out.add(new NftRule(List.of(ifMatch, peer, "udp dport " + IKE_PORTS), "accept",
                        comment(t.origin() + " tunnel " + t.name() + ": IKE")));
                out.add(new NftRule(List.of(ifMatch, peer, "meta l4proto esp"), "accept",
                        comment(t.origin() + " tunnel " + t.name() + ": ESP")));
            }
        }
        return out;
    }

    // ---- flows

    private List<NftRule> flowRules(List<FlowRule> flows) {
        List<NftRule> out = new ArrayList<>();
        for (FlowRule f : flows) {
            List<String> tunnel = List.of();
            if (f.viaTunnel()) {
                Tunnel t = p.tunnelInto(f.to()).orElseThrow();
                tunnel = List.of(t.mode() == TunnelMode.INTERFACE ? "oifname @" + NftNames.tunnelInterfaces(t.name()) : "rt ipsec exists");
            }
            List<Side> src = ruleSide(f.sources(), v6 -> NftNames.ruleSources(f.name(), v6), true);
            List<Side> dst = ruleSide(f.destinations(), v6 -> NftNames.ruleDestinations(f.name(), v6), false);
            List<String> services = f.services().isEmpty() ? List.of(Service.ANY) : f.services();
            for (List<String> addr : combine(src, dst)) {
                for (String svcName : services) {
                    List<String> m = new ArrayList<>(tunnel);
                    m.addAll(addr);
                    String what = f.origin() + " " + f.label();
                    if (!Service.ANY.equals(svcName)) {
                        m.addAll(serviceMatch(p.service(svcName).orElseThrow()));
                        what += " service " + svcName;
                    }
                    if (f.kind() == FlowRule.Kind.EXCEPTION) {
                        what += " until " + f.expires();
                    }
                    out.add(new NftRule(m, "accept", comment(what)));
                }
            }
        }
        return out;
    }

    private static List<Side> ruleSide(List<Prefix> prefixes, java.util.function.Function<Boolean, String> name, boolean source) {
        if (prefixes.isEmpty()) {
            return List.of(new Side(null, List.of()));
        }
        List<Side> out = new ArrayList<>();
        for (boolean v6 : new boolean[] {false, true}) {
            if (prefixes.stream().anyMatch(x -> x.v6() == v6)) {
                out.add(new Side(v6, List.of(addr(v6, source) + " @" + name.apply(v6))));
            }
        }
        return out;
    }

    private static List<String> serviceMatch(Service s) {
        Protocol proto = s.protocol();
        return switch (proto) {
            case ANY -> List.of();
            case ICMPV6 -> List.of("meta l4proto ipv6-icmp");
            case TCP, UDP, SCTP -> s.ports().isEmpty() ? List.of("meta l4proto " + proto.word())
                    : List.of(proto.word() + " dport @" + NftNames.service(s.name()));
            default -> List.of("meta l4proto " + proto.word());
        };
    }

    /** Comments are limited to 128 bytes; long ones are cut on a character boundary. */
    static String comment(String text) {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (b.length <= COMMENT_MAX_BYTES) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        int used = 0;
        for (int cp : text.codePoints().toArray()) {
            int len = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (used + len > COMMENT_MAX_BYTES - 3) {
                break;
            }
            sb.appendCodePoint(cp);
            used += len;
        }
        return sb.append("...").toString();
    }
}
