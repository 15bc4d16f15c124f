package cn.egov.lab;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The box of the shipped baseline policy ({@code rules/policy/baseline}) and its neighbours, in
 * network namespaces, for the tests that enforce, tamper with and verify that policy:
 * <pre>
 *   lan  10.1.0.2 ──────── eth1 ┐                        ┌ eth0 192.0.2.2   hub (backbone 10.200.0.1,
 *   ext  10.2.0.2 ──────── eth2 ┤ box  eth0 192.0.2.1 ───┘                  NOC 10.200.9.1 on lo)
 *   inet 198.51.100.2/25 ─ eth3 ┘      ipsec0 10.255.0.1 ── tun0 10.255.0.2 (hub)
 * </pre>
 * The tunnel is a stand-in: a veth pair named {@code ipsec0} on the box (what strongSwan's
 * kernel-libipsec creates), the backbone routed through it, and the box's default route via the
 * hub's uplink, which carries backbone traffic in clear text when the tunnel is down. The Internet
 * host routes 10.0.0.0/8 to the box, so it can try to reach the unit's LANs.
 *
 * <p>{@link #arrivals} sends an ICMP echo, a TCP SYN (port 80) and a UDP datagram (port 53) and
 * says which of them tcpdump saw arrive at the target: the same three the province's lab used.
 * The {@link Tampering}s are the lab's in-place edits of the table (each keeps rule comments and
 * set sizes).
 */
public final class BaselineBoxLab implements AutoCloseable {

    public static final String LAN_HOST = "10.1.0.2";
    public static final String EXT_HOST = "10.2.0.2";
    public static final String INET_HOST = "198.51.100.2";
    public static final String HUB_UPLINK = "192.0.2.2";
    public static final String BACKBONE_HOST = "10.200.0.1";
    public static final String NOC_HOST = "10.200.9.1";

    /** What {@link #arrivals} sends. */
    public enum Probe { ICMP, TCP, UDP }

    /** A bound on each probe command; each ends on its own timeout long before. */
    private static final long PROBE_TIMEOUT_S = 60;

    private final NetLab lab;
    private final String box;
    private final String lan;
    private final String ext;
    private final String hub;
    private final String inet;

    private BaselineBoxLab(NetLab lab) {
        this.lab = lab;
        box = lab.host("box");
        lan = lab.host("lan");
        ext = lab.host("ext");
        hub = lab.host("hub");
        inet = lab.host("inet");
        lab.link(box, "eth1", "10.1.0.1/24", lan, "eth0", LAN_HOST + "/24");
        lab.link(box, "eth2", "10.2.0.1/24", ext, "eth0", EXT_HOST + "/24");
        lab.link(box, "eth3", "198.51.100.1/25", inet, "eth0", INET_HOST + "/25");
        lab.link(box, "eth0", "192.0.2.1/24", hub, "eth0", HUB_UPLINK + "/24");
        lab.link(box, "ipsec0", "10.255.0.1/30", hub, "tun0", "10.255.0.2/30");
        lab.forwarding(box);
        lab.exec(lan, "ip", "route", "add", "default", "via", "10.1.0.1");
        lab.exec(ext, "ip", "route", "add", "default", "via", "10.2.0.1");
        lab.exec(inet, "ip", "route", "add", "10.0.0.0/8", "via", "198.51.100.1");
        lab.exec(hub, "ip", "addr", "add", BACKBONE_HOST + "/32", "dev", "lo");
        lab.exec(hub, "ip", "addr", "add", NOC_HOST + "/32", "dev", "lo");
        lab.exec(hub, "ip", "route", "add", "10.1.0.0/16", "via", "192.0.2.1", "metric", "100");
        lab.exec(hub, "ip", "route", "add", "10.2.0.0/16", "via", "192.0.2.1");
        tunnelUp();
        lab.exec(box, "ip", "route", "add", "default", "via", HUB_UPLINK);
    }

    /** Builds the lab; namespaces are named {@code <tag><pid>-<host>} and removed by {@link #close()}. */
    public static BaselineBoxLab create(String tag) {
        NetLab lab = NetLab.create(tag);
        try {
            return new BaselineBoxLab(lab);
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    public NetLab lab() {
        return lab;
    }

    public String box() {
        return box;
    }

    public String lan() {
        return lan;
    }

    public String ext() {
        return ext;
    }

    public String hub() {
        return hub;
    }

    public String inet() {
        return inet;
    }

    public void tunnelUp() {
        lab.exec(box, "ip", "link", "set", "ipsec0", "up");
        lab.exec(hub, "ip", "link", "set", "tun0", "up");
        lab.exec(box, "ip", "route", "replace", "10.200.0.0/16", "via", "10.255.0.2", "dev", "ipsec0");
        lab.exec(hub, "ip", "route", "replace", "10.1.0.0/16", "via", "10.255.0.1", "metric", "10");
    }

    /** Both ends go down, as when strongSwan removes ipsec0: routes through it disappear. */
    public void tunnelDown() {
        lab.exec(box, "ip", "link", "set", "ipsec0", "down");
        lab.exec(hub, "ip", "link", "set", "tun0", "down");
    }

    /** Runs {@code nft ARGS} in the box; throws when nft fails. */
    public String nft(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "nft";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return lab.exec(box, cmd);
    }

    /**
     * Sends an ICMP echo, a TCP SYN to port 80 and a UDP datagram to port 53 from {@code from} to
     * {@code addr}, with tcpdump listening in {@code at}; what arrived there.
     */
    public Set<Probe> arrivals(String from, String fromAddr, String at, String addr) {
        Set<Probe> seen = EnumSet.noneOf(Probe.class);
        try (PacketCapture cap = PacketCapture.start(lab, at, "any", "src host " + fromAddr + " and dst host " + addr)) {
            // the three side by side: a blocked probe waits out its own timeout (ping 1 s, the SYN 2 s), and one after
            // another those waits added up at every look at the traffic; tcpdump sees each packet as it is sent either way
            List<Process> probes = List.of(lab.start(from, "ping", "-c1", "-W1", addr),
                    lab.start(from, "timeout", "2", "bash", "-c", "echo > /dev/tcp/" + addr + "/80"),
                    lab.start(from, "bash", "-c", "echo probe > /dev/udp/" + addr + "/53"));
            for (Process p : probes) {
                p.getInputStream().transferTo(OutputStream.nullOutputStream());
                if (!p.waitFor(PROBE_TIMEOUT_S, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            for (String line : cap.stop()) {
                if (line.contains("ICMP echo request")) {
                    seen.add(Probe.ICMP);
                } else if (line.contains(addr + ".80: tcp")) {
                    seen.add(Probe.TCP);
                } else if (line.contains(addr + ".53: UDP")) {
                    seen.add(Probe.UDP);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing " + addr + " from " + from, e);
        }
        return seen;
    }

    /** The handle of the first rule of {@code chain} whose comment contains {@code commentPart}. */
    public long ruleHandle(String chain, String commentPart) {
        for (String line : nft("-a", "list", "chain", "inet", "egov", chain).split("\n")) {
            int h = line.lastIndexOf("# handle ");
            if (h > 0 && line.contains("comment \"") && line.substring(line.indexOf("comment \"")).contains(commentPart)) {
                return Long.parseLong(line.substring(h + "# handle ".length()).trim());
            }
        }
        throw new IllegalStateException("no rule in chain " + chain + " with a comment containing '" + commentPart + "'");
    }

    /** The comment of the first rule of {@code chain} whose comment contains {@code commentPart}. */
    public String ruleComment(String chain, String commentPart) {
        for (String line : nft("list", "chain", "inet", "egov", chain).split("\n")) {
            int c = line.indexOf("comment \"");
            if (c > 0 && line.substring(c).contains(commentPart)) {
                return line.substring(c + "comment \"".length(), line.lastIndexOf('"'));
            }
        }
        throw new IllegalStateException("no rule in chain " + chain + " with a comment containing '" + commentPart + "'");
    }

    /** Replaces a rule in place ({@code nft replace rule}), keeping its comment and position. */
    public void replaceRule(String chain, String commentPart, String newRule) {
        String comment = ruleComment(chain, commentPart);
        nft("replace rule inet egov " + chain + " handle " + ruleHandle(chain, commentPart) + " " + newRule
                + " comment \"" + comment + "\"");
    }

    /**
     * The province's lab's in-place tampering, each done by hand with {@code nft} and keeping the
     * rule comments and set sizes: what only an exact comparison sees.
     */
    public enum Tampering {
        /** (a) {@code fwd_from_external}'s rule becomes an unconditional jump to the Internet flows: external reaches the backbone in clear. */
        EXTERNAL_JUMP("fwd_from_external rule replaced by a jump to fwd_external__internet_access") {
            @Override
            public void apply(BaselineBoxLab lab) {
                lab.replaceRule("fwd_from_external", "zone internet-access", "jump fwd_external__internet_access");
            }
        },
        /**
         * (b) the tunnel interface set swapped from {@code ipsec0} to {@code eth0} and the prerouting
         * copy of the clear-text rule neutered: with the tunnel down, internal reaches the backbone
         * in clear (fail-closed broken).
         */
        TUNNEL_SET("tun_backbone_vpn swapped from ipsec0 to eth0, prerouting clear-text rule neutered") {
            @Override
            public void apply(BaselineBoxLab lab) {
                lab.nft("delete element inet egov tun_backbone_vpn { \"ipsec0\" }; add element inet egov tun_backbone_vpn { \"eth0\" }");
                lab.replaceRule("prerouting", "internal to backbone outside tunnel, before routing",
                        "iifname @if_internal ip daddr @net_backbone_v4 fib daddr type unicast fib daddr oifname { \"eth0\", \"ipsec0\" } "
                                + "fib daddr oifname != \"eth0\" goto deny_internal_backbone_cleartext");
            }
        },
        /** (c) one element of {@code net_backbone_v4} swapped for another (10.200.0.0/16 → 10.201.0.0/16), keeping the count. */
        BACKBONE_ELEMENT("net_backbone_v4 element 10.200.0.0/16 swapped for 10.201.0.0/16") {
            @Override
            public void apply(BaselineBoxLab lab) {
                lab.nft("delete element inet egov net_backbone_v4 { 10.200.0.0/16 }; add element inet egov net_backbone_v4 { 10.201.0.0/16 }");
            }
        },
        /**
         * (d) the forward chain's policy changed to accept; alone it opens nothing while the chain
         * ends in {@code goto drop_forward}, so that last rule is made a plain counter in place
         * (same comment): then what no flow allows passes.
         */
        FORWARD_POLICY("forward chain policy accept, its last rule (goto drop_forward) made a counter") {
            @Override
            public void apply(BaselineBoxLab lab) {
                lab.nft("chain inet egov forward { policy accept; }");
                lab.replaceRule("forward", "base: default deny", "counter");
            }
        };

        private final String description;

        Tampering(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }

        public abstract void apply(BaselineBoxLab lab);
    }

    /** Every rule of our table as {@code nft -a list} prints it (to show that a state was not changed). */
    public List<String> tableRules() {
        return List.of(nft("-a", "list", "table", "inet", "egov").split("\n"));
    }

    @Override
    public void close() {
        lab.close();
    }
}
