package cn.egov.rules.policy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a parsed policy as a whole. Errors: unknown references, zones without interfaces,
 * interfaces without zones, interfaces shared by zones that prefixes cannot tell apart, flows
 * that contradict a {@code never} rule, rules shadowed by an earlier rule and rules made
 * redundant by a later one (classified protection 2.0 asks for no redundant rules). Warnings:
 * expired exceptions (they are not compiled) and exceptions that expire within
 * {@link #EXPIRY_WARNING_DAYS} days.
 */
public final class PolicyValidator {

    /** Exceptions expiring within this many days get a warning, so their owner can renew them. */
    public static final int EXPIRY_WARNING_DAYS = 14;

    private final IsolationPolicy p;
    private final java.util.Map<String, Service> servicesByName = new java.util.HashMap<>();
    private final LocalDate today;
    /** Finding code of a policy under which the box cannot reach the manager. */
    public static final String BOX_CUT_OFF = "box-cut-off";

    private final List<Finding> out = new ArrayList<>();

    private PolicyValidator(IsolationPolicy policy, LocalDate today) {
        this.p = policy;
        this.today = today;
        policy.services().forEach(s -> servicesByName.putIfAbsent(s.name(), s));
    }

    /** Every finding about {@code policy}, as of {@code today} (exception expiry). */
    public static List<Finding> validate(IsolationPolicy policy, LocalDate today) {
        PolicyValidator v = new PolicyValidator(policy, today);
        v.references();
        v.interfacesAndZones();
        v.tunnels();
        v.flows();
        v.boxReach();
        v.overlaps();
        v.prefixLists();
        return List.copyOf(v.out);
    }

    /** Records an error at the line of {@code field} within the section that {@code at} points to. */
    private void error(String code, Origin at, String field, String message) {
        out.add(new Finding(Finding.Severity.ERROR, code, at.of(field), field, message));
    }

    private boolean zoneExists(String name) {
        return p.zones().stream().anyMatch(z -> z.name().equals(name));
    }

    private void zoneRef(String name, Origin at, String field, boolean boxAllowed) {
        if (Zone.BOX.equals(name)) {
            if (!boxAllowed) {
                error("bad-value", at, field, "'box' (the box itself) is not allowed in '" + field + "' here"
                        + ("between".equals(field) ? "; write 'from box' and 'to <zone>'" : ""));
            }
            return;
        }
        if (!zoneExists(name)) {
            error("unknown-reference", at, field, "unknown zone '" + name + "'; zones: "
                    + p.zones().stream().map(Zone::name).collect(Collectors.joining(", ")));
        }
    }

    private void references() {
        if (p.zones().stream().anyMatch(z -> z.name().equals(Zone.BOX))) {
            Zone z = p.zone(Zone.BOX);
            error("bad-value", z.origin(), "name", "'box' is reserved for the box itself");
        }
        for (BoxInterface i : p.interfaces()) {
            i.zones().forEach(z -> zoneRef(z, i.origin(), "zone", false));
        }
        for (Tunnel t : p.tunnels()) {
            zoneRef(t.zone(), t.origin(), "zone", false);
            if (t.iface() != null && p.interfaces().stream().noneMatch(i -> i.name().equals(t.iface()))) {
                error("unknown-reference", t.origin(), "interface", "tunnel interface '" + t.iface()
                        + "' has no 'interface " + t.iface() + "' section");
            }
        }
        for (FlowRule f : p.flows()) {
            zoneRef(f.from(), f.origin(), "from", true);
            zoneRef(f.to(), f.origin(), "to", true);
            for (String s : f.services()) {
                if (p.service(s).isEmpty()) {
                    error("unknown-reference", f.origin(), "services", "unknown service '" + s + "'");
                }
            }
        }
        for (NeverRule n : p.nevers()) {
            // the box may only be the source of a one-way never: traffic to the box is denied by default anyway
            zoneRef(n.from(), n.origin(), n.bothWays() ? "between" : "from", !n.bothWays());
            zoneRef(n.to(), n.origin(), n.bothWays() ? "between" : "to", false);
            if (n.from().equals(n.to())) {
                error("bad-value", n.origin(), "between", "a zone cannot be forbidden to reach itself");
            }
        }
    }

    private void interfacesAndZones() {
        for (BoxInterface i : p.interfaces()) {
            if (i.zones().isEmpty()) {
                error("interface-without-zone", i.origin(), "zone", "interface " + i.name() + " is in no zone");
            }
            if (Set.copyOf(i.zones()).size() != i.zones().size()) {
                error("bad-value", i.origin(), "zone", "a zone is listed twice on interface " + i.name());
            }
            long withoutPrefixes = i.zones().stream().filter(this::zoneExists)
                    .filter(z -> p.zone(z).prefixes().isEmpty()).count();
            if (i.zones().size() > 1 && withoutPrefixes > 1) {
                error("ambiguous-interface", i.origin(), "zone", "interface " + i.name() + " serves " + i.zones()
                        + "; at most one of them may be without prefixes, or their traffic cannot be told apart");
            }
        }
        for (Zone z : p.zones()) {
            if (p.interfacesOf(z.name()).isEmpty()) {
                error("zone-without-interfaces", z.origin(), "zone", "zone " + z.name()
                        + " has no interface (add 'zone " + z.name() + "' to an interface section)");
            }
        }
    }

    private void tunnels() {
        for (Tunnel t : p.tunnels()) {
            if (t.iface() != null && zoneExists(t.zone()) && !p.zonesOfInterface(t.iface()).contains(t.zone())) {
                error("bad-value", t.origin(), "interface", "tunnel interface " + t.iface() + " must be in zone " + t.zone());
            }
            if (p.tunnels().stream().filter(o -> o.zone().equals(t.zone())).count() > 1) {
                error("duplicate", t.origin(), "zone", "zone " + t.zone() + " has more than one tunnel");
            }
        }
        for (NeverRule n : p.nevers()) {
            if (n.unlessTunnel() && p.tunnelInto(n.to()).isEmpty() && !(n.bothWays() && p.tunnelInto(n.from()).isPresent())) {
                error("unknown-reference", n.origin(), "unless", "'unless tunnel' but there is no tunnel into " + n.to()
                        + (n.bothWays() ? " or " + n.from() : ""));
            }
        }
    }

    private void flows() {
        for (FlowRule f : p.flows()) {
            if (f.viaTunnel() && p.tunnelInto(f.to()).isEmpty()) {
                error("unknown-reference", f.origin(), "via", f.label() + " goes 'via tunnel' but there is no tunnel into " + f.to());
            }
            if (f.viaTunnel() && Zone.BOX.equals(f.to())) {
                error("bad-value", f.origin(), "via", "traffic to the box has no tunnel to go through");
            }
            if (f.from().equals(f.to())) {
                error("bad-value", f.origin(), "to", Zone.BOX.equals(f.to()) ? "the box's traffic to itself is always allowed (loopback); remove this rule"
                        : "traffic within one zone does not cross the box; remove this rule");
            }
            if (f.kind() == FlowRule.Kind.EXCEPTION && f.expires() != null) {
                if (today.isAfter(f.expires())) {
                    out.add(new Finding(Finding.Severity.WARNING, "expired", f.origin().of("expires"), "expires", f.label()
                            + " (owner " + f.owner() + ") expired on " + f.expires() + " and is not compiled"));
                } else if (!today.plusDays(EXPIRY_WARNING_DAYS).isBefore(f.expires())) {
                    out.add(new Finding(Finding.Severity.WARNING, "expiring", f.origin().of("expires"), "expires", f.label()
                            + " (owner " + f.owner() + ") expires on " + f.expires()));
                }
            }
            for (NeverRule n : f.inForceOn(today) ? p.nevers() : List.<NeverRule>of()) {
                if (n.concerns(f.from(), f.to()) && !(n.unlessTunnel() && f.viaTunnel() && p.tunnelInto(f.to()).isPresent())) {
                    error("contradiction", f.origin(), "to", f.label() + " from " + f.from() + " to " + f.to()
                            + " contradicts never '" + n.name() + "' (" + n.origin() + ")"
                            + (n.unlessTunnel() ? ": add 'via tunnel'" : ""));
                }
            }
        }
    }

    /**
     * A policy that lets the box itself reach nothing: the output chain then denies its MQTT to
     * the manager, EST, OCSP and NTP, so it can neither report nor receive a corrected policy.
     * A warning here (a bench box may want it); the manager refuses to sign such a policy.
     */
    private void boxReach() {
        if (p.allowedFlows(today).stream().noneMatch(f -> Zone.BOX.equals(f.from()))) {
            out.add(new Finding(Finding.Severity.WARNING, BOX_CUT_OFF, p.origin(), "policy",
                    "no flow from box is in force: the box's own traffic is all denied, so it cannot reach the manager "
                            + "(MQTT, EST, OCSP, NTP) nor receive a corrected policy; add e.g. 'flow ... from box to backbone via tunnel'"));
        }
    }

    /**
     * Shadowed (covered by an earlier rule) and redundant (covered by a later rule) rules. Every
     * pair of rules between the same two zones is compared (rules between other zones never cover
     * each other), with each rule's services looked up once: 500 rules are 250,000 pairs, which
     * in cold code was most of a command's validation time (bench/RESULTS.md, "start-up").
     */
    private void overlaps() {
        List<FlowRule> live = p.allowedFlows(today);
        java.util.Map<String, List<Integer>> byZones = new java.util.HashMap<>();
        Service[][] services = new Service[live.size()][];
        for (int i = 0; i < live.size(); i++) {
            FlowRule f = live.get(i);
            byZones.computeIfAbsent(f.from() + " -> " + f.to(), k -> new ArrayList<>()).add(i);
            services[i] = f.services().stream().map(servicesByName::get).toArray(Service[]::new);
        }
        for (int i = 0; i < live.size(); i++) {
            FlowRule a = live.get(i);
            for (int j : byZones.get(a.from() + " -> " + a.to())) {
                if (i == j) {
                    continue;
                }
                FlowRule b = live.get(j);
                if (coversSameZones(b, services[j], a, services[i]) && (j < i || !coversSameZones(a, services[i], b, services[j]))) {
                    boolean earlier = j < i;
                    error(earlier ? "shadowed" : "redundant", a.origin(), "services", a.label() + " is "
                            + (earlier ? "shadowed by" : "redundant with") + " " + b.label() + " (" + b.origin()
                            + "), which already allows all of its traffic" + (earlier ? "; it can never match" : "; remove one"));
                    break;
                }
            }
        }
    }

    /** Overlapping prefixes in one list are redundant, and nftables interval sets refuse them. */
    private void prefixLists() {
        p.zones().forEach(z -> prefixList(z.prefixes(), z.origin(), "prefixes"));
        p.tunnels().forEach(t -> prefixList(t.peers(), t.origin(), "peers"));
        p.flows().forEach(f -> {
            prefixList(f.sources(), f.origin(), "sources");
            prefixList(f.destinations(), f.origin(), "destinations");
        });
    }

    /** (family, network, length); one comparison, not three chained key extractors (a 5,000-prefix zone in cold code). */
    private static final java.util.Comparator<Prefix> BY_ADDRESS = (a, b) -> a.v6() != b.v6() ? Boolean.compare(a.v6(), b.v6())
            : a.network().equals(b.network()) ? Integer.compare(a.length(), b.length()) : a.network().compareTo(b.network());

    private void prefixList(List<Prefix> list, Origin at, String field) {
        // after sorting by (family, network, length) any overlap shows up between neighbours
        List<Prefix> sorted = new ArrayList<>(list);
        sorted.sort(BY_ADDRESS);
        for (int i = 0; i + 1 < sorted.size(); i++) {
            if (sorted.get(i).overlaps(sorted.get(i + 1))) {
                error("redundant", at, field, "prefixes " + sorted.get(i) + " and " + sorted.get(i + 1)
                        + " overlap; list each address once");
                return;
            }
        }
    }

    /** True when every packet {@code inner} allows is also allowed by {@code outer}, two rules between the same zones with their services looked up. */
    private static boolean coversSameZones(FlowRule outer, Service[] outerServices, FlowRule inner, Service[] innerServices) {
        return (!outer.viaTunnel() || inner.viaTunnel())
                && servicesCover(outerServices, innerServices)
                && prefixesCover(outer.sources(), inner.sources())
                && prefixesCover(outer.destinations(), inner.destinations());
    }

    private static boolean prefixesCover(List<Prefix> outer, List<Prefix> inner) {
        if (outer.isEmpty()) {
            return true;
        }
        if (inner.isEmpty()) {
            return false;
        }
        // loops, not streams: asked for every pair of rules with the same zones (see overlaps)
        for (Prefix i : inner) {
            boolean covered = false;
            for (Prefix o : outer) {
                if (o.contains(i)) {
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                return false;
            }
        }
        return true;
    }

    /** An unknown service (null; reported by {@link #references}) covers nothing and is covered by nothing. */
    private static boolean servicesCover(Service[] outer, Service[] inner) {
        if (outer.length == 0) {
            return true;
        }
        if (inner.length == 0) {
            return false;
        }
        for (Service si : inner) {
            boolean covered = false;
            for (Service so : outer) {
                if (si != null && so != null && si.coveredBy(so)) {
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                return false;
            }
        }
        return true;
    }
}
