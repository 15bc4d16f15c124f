package cn.egov.isolation.route;

import cn.egov.api.json.JsonValues;
import cn.egov.rules.policy.Prefix;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Asks the kernel, without sending a packet, how it would route traffic that arrives on an
 * isolated interface: {@code ip -j route get <probe> from <host on that LAN> iif <interface>}; and
 * traffic that arrives from the Internet for the isolated zones: {@code ip -j route get <host on an
 * isolated LAN> from <host on the Internet line> iif <Internet interface>}, for a host on each
 * isolated interface's LAN and an address inside, and the gateway of, every route through an
 * isolated interface; a route through an isolated interface is a {@link RouteFinding.Kind#ROUTE_FROM_INTERNET} finding.
 * Probes are the configured destinations (outside every government prefix) plus, for each route
 * through an Internet-facing interface (its connected subnet, an ISP's routes), an address inside
 * it and its gateway. Only "network unreachable", "no route to host" and "permission denied"
 * (prohibit) are answers that keep the Internet out; a route is a {@link RouteFinding.Kind#ROUTE_TO_INTERNET}
 * finding naming the device. IPv6 is asked when the isolated interface has a global IPv6 address.
 * Independently, any /1 route in any table is a {@link RouteFinding.Kind#SPLIT_DEFAULT_ROUTE} finding:
 * the 0.0.0.0/1 + 128.0.0.0/1 pair covers everything while escaping default-route suppression.
 */
public final class RouteProbe {

    private final IpCommand ip;
    private final List<String> probes;

    public RouteProbe(IpCommand ip, List<String> probes) {
        this.ip = ip;
        this.probes = List.copyOf(probes);
    }

    /** All findings for {@code interfaces}; empty when no isolated interface has a route to the Internet. */
    public List<RouteFinding> check(RouteGuardSettings.GuardedInterfaces interfaces) {
        List<RouteFinding> out = new ArrayList<>();
        Map<String, List<Map<String, Object>>> addresses = addresses(out);
        for (boolean v6 : new boolean[] {false, true}) {
            List<Map<String, Object>> routes = routes(v6, "main", out);
            Set<String> probeSet = new LinkedHashSet<>();
            probes.stream().filter(p -> Prefix.parse(p).v6() == v6).forEach(probeSet::add);
            Set<String> own = ownAddresses(addresses, v6);
            probeSet.addAll(derivedProbes(v6, routes, interfaces.internet(), own));
            probeSet.removeAll(own);
            for (String iif : interfaces.isolated()) {
                String source = lanHost(addresses.getOrDefault(iif, List.of()), v6);
                if (source == null) {
                    continue; // no address of this family on the LAN: nothing there to route
                }
                for (String probe : probeSet) {
                    ask(v6, probe, source, iif, true, interfaces.isolated()).ifPresent(out::add);
                }
            }
            // the other way: from the Internet line to the isolated LANs
            Set<String> internal = new LinkedHashSet<>();
            for (String iif : interfaces.isolated()) {
                String host = lanHost(addresses.getOrDefault(iif, List.of()), v6);
                if (host != null) {
                    internal.add(host);
                }
            }
            internal.addAll(derivedProbes(v6, routes, interfaces.isolated(), own));
            internal.removeAll(own);
            for (String iif : interfaces.internet()) {
                String source = lanHost(addresses.getOrDefault(iif, List.of()), v6);
                if (source == null) {
                    continue;
                }
                for (String probe : internal) {
                    ask(v6, probe, source, iif, false, interfaces.isolated()).ifPresent(out::add);
                }
            }
            for (Map<String, Object> r : routes(v6, "all", out)) {
                String dst = String.valueOf(r.get("dst"));
                if (dst.endsWith("/1")) {
                    String via = via(r);
                    boolean table = r.get("table") != null;
                    out.add(new RouteFinding(RouteFinding.Kind.SPLIT_DEFAULT_ROUTE, "", dst, via, "route " + dst + " via " + via
                            + (table ? " (table " + r.get("table") + ")" : "")
                            + " splits the default route: it covers half the address space and escapes default-route suppression",
                            "经 " + via + " 的路由 " + dst + (table ? "（路由表 " + r.get("table") + "）" : "")
                            + " 拆分了默认路由：它覆盖一半的地址空间，绕过了对默认路由的抑制"));
                }
            }
        }
        return out;
    }

    /** One lookup; {@code outbound}: from an isolated interface towards the Internet, else from the Internet inwards. */
    private java.util.Optional<RouteFinding> ask(boolean v6, String probe, String source, String iif, boolean outbound,
                                                 List<String> isolated) {
        IpCommand.Result r = ip.run(RouteGuard.args(v6, "-j", "route", "get", probe, "from", source, "iif", iif), null);
        if (!r.ok()) {
            String err = r.stderr().strip();
            if (err.contains("Network is unreachable") || err.contains("No route to host") || err.contains("Permission denied")) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new RouteFinding(RouteFinding.Kind.CHECK_FAILED, iif, probe, "",
                    "cannot tell whether " + iif + " has a route to " + probe + ": ip route get answered '" + err + "'",
                    "无法判断 " + iif + " 是否有到 " + probe + " 的路由：ip route get 的回答是 '" + err + "'"));
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> answer = (List<Map<String, Object>>) JsonValues.parse(r.stdout());
        if (answer.isEmpty()) {
            return java.util.Optional.of(new RouteFinding(RouteFinding.Kind.CHECK_FAILED, iif, probe, "",
                    "ip route get " + probe + " iif " + iif + " gave no answer",
                    "ip route get " + probe + " iif " + iif + " 没有回答"));
        }
        Map<String, Object> route = answer.get(0);
        Object type = route.get("type");
        if ("unreachable".equals(type) || "prohibit".equals(type) || "blackhole".equals(type) || "local".equals(type)) {
            return java.util.Optional.empty(); // blocked, or the box itself (the firewall's input chain decides)
        }
        String via = via(route);
        if (!outbound && !isolated.contains(String.valueOf(route.get("dev")))) {
            return java.util.Optional.empty(); // it leads somewhere, but not into an isolated zone
        }
        return java.util.Optional.of(outbound
                ? new RouteFinding(RouteFinding.Kind.ROUTE_TO_INTERNET, iif, probe, via,
                        "route exists from internal zone (" + iif + ") to the Internet via " + via + " (probe " + probe + ")",
                        "内部区域（" + iif + "）经 " + via + " 有通往互联网的路由（探测地址 " + probe + "）")
                : new RouteFinding(RouteFinding.Kind.ROUTE_FROM_INTERNET, iif, probe, via,
                        "route exists from the Internet (" + iif + ") to internal zone via " + via + " (probe " + probe + ")",
                        "互联网（" + iif + "）经 " + via + " 有通往内部区域的路由（探测地址 " + probe + "）"));
    }

    private static String via(Map<String, Object> route) {
        Object dev = route.get("dev");
        Object gw = route.get("gateway");
        return (dev == null ? "?" : dev.toString()) + (gw == null ? "" : " gateway " + gw);
    }

    /** An address inside, and the gateway of, every route through one of {@code devices}. */
    private static List<String> derivedProbes(boolean v6, List<Map<String, Object>> routes, List<String> devices, Set<String> own) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> r : routes) {
            if (!devices.contains(String.valueOf(r.get("dev")))) {
                continue;
            }
            if (r.get("gateway") instanceof String gw && !gw.startsWith("fe80:")) {
                out.add(gw);
            }
            String dst = String.valueOf(r.get("dst"));
            if (dst.equals("default") || dst.startsWith("fe80:") || dst.startsWith("ff")) {
                continue;
            }
            try {
                Prefix p = Prefix.parse(dst);
                int bits = v6 ? 128 : 32;
                if (p.length() >= 8 || v6 && p.length() >= 3) {
                    // the first host address that is not the box's own (never the network address, which IPv4 refuses)
                    BigInteger first = p.length() >= bits - 1 ? p.network() : p.network().add(BigInteger.ONE);
                    for (int i = 0; i < 2 && (p.length() < bits || i == 0); i++) {
                        String host = new Prefix(v6, first.add(BigInteger.valueOf(i)), bits).address();
                        if (!own.contains(host)) {
                            out.add(host);
                            break;
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                // a route the probe cannot represent (e.g. a multicast or unusual type): the configured probes still apply
            }
        }
        return out;
    }

    /** A host on the interface's LAN other than the box: the source a LAN packet would carry. */
    static String lanHost(List<Map<String, Object>> addrs, boolean v6) {
        for (Map<String, Object> a : addrs) {
            if (!(v6 ? "inet6" : "inet").equals(a.get("family")) || !"global".equals(a.get("scope"))
                    || !(a.get("local") instanceof String local) || !(a.get("prefixlen") instanceof Number len)) {
                continue;
            }
            int bits = v6 ? 128 : 32;
            if (len.intValue() >= bits) {
                continue;
            }
            BigInteger own = Prefix.parse(local).network();
            BigInteger mask = BigInteger.ONE.shiftLeft(bits - len.intValue()).subtract(BigInteger.ONE);
            BigInteger net = own.andNot(mask);
            BigInteger last = net.or(mask);
            // the next address, or the previous one at the end of the subnet (IPv4: skip network and broadcast)
            BigInteger next = own.add(BigInteger.ONE);
            boolean fits = v6 || len.intValue() >= 31 ? next.compareTo(last) <= 0 : next.compareTo(last) < 0;
            BigInteger host = fits ? next : own.subtract(BigInteger.ONE);
            if (!v6 && len.intValue() < 31 && host.equals(net)) {
                continue;
            }
            return new Prefix(v6, host, bits).address();
        }
        return null;
    }

    private static Set<String> ownAddresses(Map<String, List<Map<String, Object>>> addresses, boolean v6) {
        Set<String> out = new LinkedHashSet<>();
        addresses.values().forEach(l -> l.stream().filter(a -> (v6 ? "inet6" : "inet").equals(a.get("family")))
                .forEach(a -> out.add(String.valueOf(a.get("local")))));
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, List<Map<String, Object>>> addresses(List<RouteFinding> out) {
        Map<String, List<Map<String, Object>>> byIf = new java.util.LinkedHashMap<>();
        IpCommand.Result r = ip.run(List.of("-j", "addr", "show"), null);
        if (!r.ok()) {
            out.add(new RouteFinding(RouteFinding.Kind.CHECK_FAILED, "", "", "", "cannot list addresses: " + r.stderr().strip(),
                    "无法列出本机的地址：" + r.stderr().strip()));
            return byIf;
        }
        for (Object o : (List<Object>) JsonValues.parse(r.stdout())) {
            Map<String, Object> link = (Map<String, Object>) o;
            List<Map<String, Object>> infos = new ArrayList<>();
            if (link.get("addr_info") instanceof List<?> l) {
                l.forEach(a -> infos.add((Map<String, Object>) a));
            }
            byIf.put(String.valueOf(link.get("ifname")), infos);
        }
        return byIf;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> routes(boolean v6, String table, List<RouteFinding> out) {
        IpCommand.Result r = ip.run(RouteGuard.args(v6, "-j", "route", "show", "table", table), null);
        if (!r.ok()) {
            if (!(v6 && r.stderr().contains("not supported"))) {
                out.add(new RouteFinding(RouteFinding.Kind.CHECK_FAILED, "", "", "",
                        "cannot list " + RouteGuard.family(v6) + " routes: " + r.stderr().strip(),
                        "无法列出 " + RouteGuard.family(v6) + " 路由：" + r.stderr().strip()));
            }
            return List.of();
        }
        List<Map<String, Object>> routes = new ArrayList<>();
        for (Object o : (List<Object>) JsonValues.parse(r.stdout().isBlank() ? "[]" : r.stdout())) {
            routes.add((Map<String, Object>) o);
        }
        return routes;
    }
}
