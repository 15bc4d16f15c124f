package cn.egov.bench.policy;

import cn.egov.isolation.enforce.ApplyResult;
import cn.egov.isolation.enforce.NftCommand;
import cn.egov.isolation.enforce.PolicyEnforcer;
import cn.egov.isolation.enforce.ProcessNft;
import cn.egov.lab.NetLab;
import cn.egov.rules.nft.NftRuleset;
import cn.egov.rules.nft.NftablesCompiler;
import cn.egov.rules.policy.PolicyLoad;
import cn.egov.rules.policy.PolicyLoader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Load driver for the policy path (run as root; creates and removes its namespaces):
 * <ol>
 * <li>compile + apply time of a policy with 10,000 prefixes and 500 rules, phase by phase, against
 *     the same 500 rules with 10 prefixes (same run);</li>
 * <li>forwarding rate of small UDP packets through the box with no table, our table with 10
 *     prefixes, with 10,000 prefixes, and with 10 prefixes plus a 10,000-rule linear chain (what a
 *     compiler without sets would produce).</li>
 * </ol>
 * {@code java -cp ... cn.egov.bench.policy.PolicyScaleBench [iterations] [udp-seconds]}
 */
public final class PolicyScaleBench {

    static final int RULES = 500;
    static final int UDP_PORT = 9000;
    static final int ROUNDS = 3;

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int udpSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path tmp = Files.createTempDirectory("polbench");
        try (NetLab lab = NetLab.create("polb")) {
            String box = lab.host("box");
            String lan = lab.host("lan");
            String hub = lab.host("hub");
            lab.link(box, "eth1", "10.1.0.1/24", lan, "eth0", "10.1.0.2/24");
            lab.link(box, "eth0", "192.0.2.1/24", hub, "eth0", "192.0.2.2/24");
            lab.link(box, "ipsec0", "10.255.0.1/30", hub, "tun0", "10.255.0.2/30");
            lab.forwarding(box);
            lab.exec(lan, "ip", "route", "add", "default", "via", "10.1.0.1");
            lab.exec(box, "ip", "route", "add", "10.200.0.0/13", "via", "10.255.0.2", "dev", "ipsec0");
            lab.exec(hub, "ip", "addr", "add", "10.200.0.1/32", "dev", "lo");
            lab.exec(hub, "ip", "route", "add", "10.1.0.0/16", "via", "10.255.0.1");
            NftCommand nft = ProcessNft.inNamespace(box);

            System.out.println("## compile and apply (median of " + (iterations - 1) + " warm runs; first run cold)");
            System.out.println("| policy | rules | set elements | load+validate | compile+render | nft -f | **compile and apply** | (nft -c, check only) | read back (nft -j list) | PolicyEnforcer.apply incl. read back, cold / warm |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            applyTimes(tmp.resolve("small"), 10, 0, iterations, nft, box);
            applyTimes(tmp.resolve("large"), 5000, 10, iterations, nft, box);

            System.out.println();
            System.out.println("## forwarding rate, 64-byte UDP lan -> hub through the tunnel stand-in (" + udpSeconds
                    + " s each, " + ROUNDS + " interleaved rounds; one-way UDP stays conntrack NEW, so every packet walks the ruleset)");
            System.out.println("| variant | rules in table(s) | packets/s received per round | median |");
            System.out.println("|---|---|---|---|");
            PolicyEnforcer enforcer = new PolicyEnforcer(nft, Clock.systemUTC(), tmp.resolve("lock"));
            Path small = tmp.resolve("udp-small");
            ScalePolicy.write(small, 10, RULES, 0, "udp-small");
            Path large = tmp.resolve("udp-large");
            ScalePolicy.write(large, 5000, RULES, 10, "udp-large");
            Path linear = tmp.resolve("linear.nft");
            StringBuilder sb = new StringBuilder("table inet linear {\n chain forward {\n  type filter hook forward priority -10; policy accept;\n");
            for (int i = 0; i < 10_000; i++) {
                // 10,000 prefixes that the measured traffic never matches, so every rule is evaluated
                sb.append("  ip daddr 172.").append(16 + (i >> 12)).append('.').append((i >> 4) & 0xff).append('.')
                        .append((i & 0xf) << 4).append("/28 drop\n");
            }
            sb.append(" }\n}\n");
            Files.writeString(linear, sb);
            String[] names = {"no table (kernel forwarding only)", "policy, 10 prefixes", "policy, 10,000 prefixes",
                    "policy, 10 prefixes + 10,000-rule linear chain"};
            String[] ruleCounts = new String[4];
            List<List<Long>> rates = new ArrayList<>();
            for (int v = 0; v < 4; v++) {
                rates.add(new ArrayList<>());
            }
            // rounds interleave the variants, so that a change in the machine's load hits all of them
            for (int round = 0; round < ROUNDS; round++) {
                for (int v = 0; v < 4; v++) {
                    lab.tryExec(box, "nft", "delete", "table", "inet", "egov");
                    lab.tryExec(box, "nft", "delete", "table", "inet", "linear");
                    enforcer = new PolicyEnforcer(nft, Clock.systemUTC(), tmp.resolve("lock"));
                    if (v == 1 || v == 3) {
                        check(enforcer.apply(small));
                    } else if (v == 2) {
                        check(enforcer.apply(large));
                    }
                    if (v == 3) {
                        lab.exec(box, "nft", "-f", linear.toString());
                    }
                    ruleCounts[v] = v == 0 ? "0" : rules(enforcer) + (v == 3 ? " + 10000" : "");
                    rates.get(v).add(udpRate(lab, lan, hub, udpSeconds));
                }
            }
            for (int v = 0; v < 4; v++) {
                List<Long> sorted = new ArrayList<>(rates.get(v));
                sorted.sort(null);
                System.out.printf("| %s | %s | %s | %,d |%n", names[v], ruleCounts[v],
                        String.join(", ", rates.get(v).stream().map(r -> String.format("%,d", r)).toList()), sorted.get(sorted.size() / 2));
            }
        } finally {
            try (var s = Files.walk(tmp)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String rules(PolicyEnforcer e) {
        return Integer.toString(e.inForce().orElseThrow().ruleset().ruleCount());
    }

    private static void check(ApplyResult r) {
        if (r.status() == ApplyResult.Status.REJECTED) {
            throw new IllegalStateException(r.message());
        }
    }

    private static void applyTimes(Path dir, int zonePrefixes, int perRule, int iterations, NftCommand nft, String box) throws Exception {
        long[][] t = new long[6][iterations];
        NftRuleset last = null;
        PolicyEnforcer enforcer = new PolicyEnforcer(nft, Clock.systemUTC(), dir.resolveSibling("lock"));
        for (int i = 0; i < iterations; i++) {
            ScalePolicy.write(dir, zonePrefixes, RULES, perRule, "phase-" + i);
            long a = System.nanoTime();
            PolicyLoad load = PolicyLoader.load(dir, LocalDate.now());
            if (!load.ok()) {
                throw new IllegalStateException(load.errors().toString());
            }
            long b = System.nanoTime();
            NftRuleset rs = NftablesCompiler.compile(load.policy(), LocalDate.now());
            String text = rs.text();
            long c = System.nanoTime();
            req(nft.run(List.of("-c", "-f", "-"), text));
            long d = System.nanoTime();
            req(nft.run(List.of("-f", "-"), text));
            long e = System.nanoTime();
            req(nft.run(List.of("-j", "list", "table", "inet", "egov"), null));
            long f = System.nanoTime();
            t[0][i] = b - a;
            t[1][i] = c - b;
            t[2][i] = d - c;
            t[3][i] = e - d;
            last = rs;
            // the whole path as the box runs it, on a new version each time
            ScalePolicy.write(dir, zonePrefixes, RULES, perRule, "total-" + i);
            long g = System.nanoTime();
            check(enforcer.apply(dir));
            if (!enforcer.verify().isClean()) {
                throw new IllegalStateException("drift after apply");
            }
            long h = System.nanoTime();
            t[4][i] = f - e;
            t[5][i] = h - g;
        }
        long[] applied = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            applied[i] = t[0][i] + t[1][i] + t[3][i];
        }
        System.out.printf("| %,d prefixes, %d rules | %d | %,d | %s | %s | %s | **%s** | %s | %s | %s / %s |%n",
                zonePrefixes + RULES * perRule, RULES + 1, last.ruleCount(), last.elementCount(),
                ms(median(t[0])), ms(median(t[1])), ms(median(t[3])), ms(median(applied)), ms(median(t[2])), ms(median(t[4])),
                ms(t[5][0]), ms(median(t[5])));
    }

    private static void req(NftCommand.Result r) {
        if (!r.ok()) {
            throw new IllegalStateException(r.stderr());
        }
    }

    /** Median of the warm runs (all but the first). */
    private static long median(long[] v) {
        long[] warm = Arrays.copyOfRange(v, v.length > 1 ? 1 : 0, v.length);
        Arrays.sort(warm);
        return warm[warm.length / 2];
    }

    private static String ms(long nanos) {
        return String.format("%.0f ms", nanos / 1e6);
    }

    private static long udpRate(NetLab lab, String lan, String hub, int seconds) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        Process sink = lab.start(hub, java, "-cp", cp, UdpSink.class.getName(), Integer.toString(UDP_PORT), Integer.toString(seconds));
        BufferedReader out = new BufferedReader(new InputStreamReader(sink.getInputStream()));
        if (!"ready".equals(out.readLine())) {
            throw new IllegalStateException("sink did not start");
        }
        lab.exec(lan, java, "-cp", cp, UdpBlast.class.getName(), "10.200.0.1", Integer.toString(UDP_PORT), Integer.toString(seconds + 1));
        String count = out.readLine();
        sink.waitFor();
        return Long.parseLong(count.trim()) / seconds;
    }
}
