package cn.egov.addressplan;

import cn.egov.api.json.JsonValues;
import cn.egov.addressplan.SiteObservation.InterfaceAddress;
import cn.egov.addressplan.SiteObservation.Neighbour;
import cn.egov.addressplan.SiteObservation.Route;
import cn.egov.rules.plan.IpPrefix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads the live network with iproute2's JSON output: {@code ip -j addr}, {@code ip -j -4/-6 route}
 * and {@code ip -j neigh}. With a namespace name it runs {@code ip -n <ns> ...}, so that a test (or
 * a box whose LAN lives in a namespace) reads that namespace without entering it.
 */
public final class IpCommandReader {

    /** Seconds to wait for one {@code ip} run. */
    static final int TIMEOUT_S = 10;

    private final String ipBinary;
    private final String namespace;

    /**
     * @param ipBinary  path of {@code ip}, e.g. {@code /usr/sbin/ip} or just {@code ip}
     * @param namespace network namespace to read, or null/empty for the box's own
     */
    public IpCommandReader(String ipBinary, String namespace) {
        this.ipBinary = ipBinary;
        this.namespace = namespace == null || namespace.isBlank() ? null : namespace;
    }

    public List<InterfaceAddress> addresses() throws IOException {
        return parseAddresses(run("addr", "show"));
    }

    public List<Route> routes() throws IOException {
        List<Route> out = new ArrayList<>(parseRoutes(run("-4", "route", "show"), false));
        out.addAll(parseRoutes(run("-6", "route", "show"), true));
        return out;
    }

    public List<Neighbour> neighbours() throws IOException {
        return parseNeighbours(run("neigh", "show"));
    }

    /** The box's network interfaces with their link state ({@code ip -j link show}). */
    public List<Link> links() throws IOException {
        return parseLinks(run("link", "show"));
    }

    /** The device the kernel would send a packet to {@code address} out of, or empty when it has no route. */
    public java.util.Optional<String> routeDevice(String address) throws IOException {
        try {
            List<Map<String, Object>> r = list(run("route", "get", address), "route get");
            return r.isEmpty() ? java.util.Optional.empty() : java.util.Optional.ofNullable(str(r.get(0), "dev"));
        } catch (IOException e) {
            if (e.getMessage().contains("unreachable")) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }

    /**
     * A network interface: {@code carrier} when the link layer is up (a cable with a live peer,
     * {@code LOWER_UP}); {@code up} when it is administratively up.
     */
    public record Link(String name, boolean up, boolean carrier) {
    }

    /** Parses {@code ip -j link show}. */
    @SuppressWarnings("unchecked")
    static List<Link> parseLinks(String json) {
        List<Link> out = new ArrayList<>();
        for (Map<String, Object> l : list(json, "link")) {
            String name = str(l, "ifname");
            if (name == null) {
                continue;
            }
            List<String> flags = l.get("flags") instanceof List<?> f ? (List<String>) f : List.of();
            out.add(new Link(name, flags.contains("UP"), flags.contains("LOWER_UP")));
        }
        return out;
    }

    private String run(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ipBinary);
        if (namespace != null) {
            cmd.add("-n");
            cmd.add(namespace);
        }
        cmd.add("-j");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish in " + TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + String.join(" ", cmd), e);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + text.strip());
        }
        return text.isBlank() ? "[]" : text;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(String json, String what) {
        Object v;
        try {
            v = JsonValues.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ip -j " + what + ": " + e.getMessage());
        }
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("ip -j " + what + ": expected a JSON array");
        }
        return (List<Map<String, Object>>) (List<?>) l;
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : String.valueOf(v);
    }

    /** Parses {@code ip -j addr show}. */
    @SuppressWarnings("unchecked")
    static List<InterfaceAddress> parseAddresses(String json) {
        List<InterfaceAddress> out = new ArrayList<>();
        for (Map<String, Object> link : list(json, "addr")) {
            String dev = str(link, "ifname");
            Object infos = link.get("addr_info");
            if (!(infos instanceof List<?>)) {
                continue;
            }
            for (Map<String, Object> a : (List<Map<String, Object>>) infos) {
                String local = str(a, "local");
                Object len = a.get("prefixlen");
                if (local == null || len == null) {
                    continue;
                }
                out.add(new InterfaceAddress(dev, IpPrefix.parseLenient(local + "/" + ((Number) len).intValue()), str(a, "scope")));
            }
        }
        return out;
    }

    /** Parses {@code ip -j route show} of one family. */
    static List<Route> parseRoutes(String json, boolean v6) {
        List<Route> out = new ArrayList<>();
        for (Map<String, Object> r : list(json, "route")) {
            String dst = str(r, "dst");
            if (dst == null || r.containsKey("type") && !"unicast".equals(str(r, "type"))) {
                continue;
            }
            IpPrefix p = "default".equals(dst) ? IpPrefix.parse(v6 ? "::/0" : "0.0.0.0/0") : IpPrefix.parseLenient(dst).network();
            // on-link: made by the kernel for an address, or added by hand with "dev X" and no gateway
            boolean connected = r.get("gateway") == null && r.get("via") == null
                    && ("kernel".equals(str(r, "protocol")) || "link".equals(str(r, "scope")));
            out.add(new Route(p, str(r, "dev"), str(r, "gateway"), connected));
        }
        return out;
    }

    /** Parses {@code ip -j neigh show}; entries without a link-layer address are skipped. */
    @SuppressWarnings("unchecked")
    static List<Neighbour> parseNeighbours(String json) {
        List<Neighbour> out = new ArrayList<>();
        for (Map<String, Object> n : list(json, "neigh")) {
            String dst = str(n, "dst");
            String mac = str(n, "lladdr");
            if (dst == null || mac == null) {
                continue;
            }
            Object st = n.get("state");
            String state = st instanceof List<?> l ? String.join(",", (List<String>) l) : String.valueOf(st);
            if (state.contains("FAILED") || state.contains("INCOMPLETE")) {
                continue;
            }
            out.add(new Neighbour(IpPrefix.address(dst), str(n, "dev"), mac, state));
        }
        return out;
    }
}
