package cn.egov.bench.startup;

import cn.egov.bench.monitor.OfflineAuditBench;
import cn.egov.bench.plan.PlanValidationBench;
import cn.egov.bench.policy.ScalePolicy;
import cn.egov.lab.NetLab;
import cn.egov.rules.nft.NftRuleset;
import cn.egov.isolation.enforce.PolicyEnforcer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The commands users run as whole processes (issue 13 item 6), timed with {@code /usr/bin/time}
 * (wall, and user+sys of the process and its children) against their baselines in the same run:
 * <ul>
 * <li>{@code appliance audit} of 1 M and 10 M packets against {@code tcpdump -r FILE -w /dev/null};</li>
 * <li>{@code appliance policy apply} of 10,000 prefixes (a new version each run: drift check,
 *     {@code nft -f}, read back) in a lab namespace, against {@code nft -f} of the same ruleset;</li>
 * <li>{@code manager plan check} of 100,000 allocations against the JVM's own start
 *     ({@code java -version}) and {@code manager --version}.</li>
 * </ul>
 * Each command as installed ({@code /opt/egov-box/bin/appliance}, {@code /opt/egov-manager/bin/manager}:
 * per-command JVM flags and the class-data-sharing archive) and as it ran before (the old launchers'
 * lines: {@code java -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 ... -cp lib/*:bundles/*} and
 * {@code java -jar manager.jar}, no archive). Variants alternate within each round, so that the
 * machine's load falls on all of them alike; medians of the rounds.
 *
 * <pre>
 * unshare --mount sh -c 'mount --bind image/packages/target/stage/opt /opt &amp;&amp; java -cp ... StartupBench ROUNDS DIR'
 * </pre>
 * (root: the staged installed tree on /opt, as cds-archive.sh leaves it; a lab namespace for nft.)
 * DIR keeps the generated inputs between runs (captures of 200 MB and 2 GB).
 */
public final class StartupBench {

    private static final String BOX = "/opt/egov-box";
    private static final String MANAGER = "/opt/egov-manager";
    /** The old bin/appliance's line (before per-command flags and the archive). */
    private static final String BOX_BEFORE = "java -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -Xss512k"
            + " -Dappliance.home=" + BOX + " -cp '" + BOX + "/lib/*:" + BOX + "/bundles/*' cn.egov.appliance.cli.ApplianceCommand";
    /** The old installed manager script's line. */
    private static final String MANAGER_BEFORE = "java -jar " + MANAGER + "/manager.jar";

    /**
     * A staged /opt of an earlier build (optional fourth argument): its commands run as extra rows,
     * in a mount namespace of their own where that tree is /opt (its class-data-sharing archive is
     * valid there only), so that a change is compared with the package before it in the same run.
     */
    private static String previous;

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        String only = args.length > 2 ? args[2] : "audit,policy,plan";
        previous = args.length > 3 ? Path.of(args[3]).toAbsolutePath().toString() : null;
        Files.createDirectories(dir);
        System.out.printf("rounds %d, load average at start %s%n", rounds, Files.readString(Path.of("/proc/loadavg")).strip());
        if (only.contains("plan")) {
            plan(rounds, dir);
        }
        if (only.contains("policy")) {
            policy(rounds, dir);
        }
        if (only.contains("audit")) {
            for (int packets : new int[] {1_000_000, 10_000_000}) {
                audit(rounds, dir, packets);
            }
        }
        System.out.printf("load average at the end %s%n", Files.readString(Path.of("/proc/loadavg")).strip());
    }

    private static void audit(int rounds, Path dir, int packets) throws Exception {
        Path pcap = dir.resolve("bench-" + packets + ".pcap");
        if (!Files.exists(pcap)) {
            OfflineAuditBench.write(pcap, packets);
        }
        String args = " audit --policy " + BOX + "/rules/policy/baseline --pcap " + pcap + " --interface eth1 > /dev/null";
        Map<String, IntFunction<String>> v = new LinkedHashMap<>();
        v.put("tcpdump -r FILE -w /dev/null", i -> "tcpdump -r " + pcap + " -w /dev/null 2> /dev/null");
        v.put("appliance audit, before (C1 only, no archive)", i -> BOX_BEFORE + args);
        v.put("appliance audit, as installed", i -> BOX + "/bin/appliance" + args);
        if (previous != null) {
            v.put("appliance audit, previous package", i -> onPrevious(BOX + "/bin/appliance" + args));
        }
        table(String.format("appliance audit, %,d packets (%,d MB)", packets, Files.size(pcap) >> 20), rounds, v, 1);
    }

    private static void policy(int rounds, Path dir) throws Exception {
        Path policy = dir.resolve("policy");
        ScalePolicy.write(policy, 5000, 500, 10, "start");
        NftRuleset rs = PolicyEnforcer.compile(policy, java.time.LocalDate.now()).ruleset();
        Path script = dir.resolve("ruleset.nft");
        Files.writeString(script, rs.text());
        System.out.printf("%npolicy: %d nft rules, %,d set elements%n", rs.ruleCount(), rs.elementCount());
        try (NetLab lab = NetLab.create("sub")) {
            String ns = "ip netns exec " + lab.host("box") + " ";
            String opts = " policy --lock " + dir.resolve("nft.lock") + " --no-route-guard apply " + policy + " > /dev/null";
            int[] version = {0};
            IntFunction<String> fresh = i -> {
                try {
                    ScalePolicy.write(policy, 5000, 500, 10, "v" + version[0]++);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return "";
            };
            Map<String, IntFunction<String>> v = new LinkedHashMap<>();
            v.put("nft -f FILE (the table replaced)", i -> ns + "nft -f " + script);
            v.put("appliance policy apply, before (C1 only, no archive)", i -> fresh.apply(i) + ns + BOX_BEFORE + opts);
            v.put("appliance policy apply, as installed", i -> fresh.apply(i) + ns + BOX + "/bin/appliance" + opts);
            if (previous != null) {
                v.put("appliance policy apply, previous package", i -> fresh.apply(i) + onPrevious(ns + BOX + "/bin/appliance" + opts));
            }
            table("appliance policy apply, 10,000 prefixes, a new version each run", rounds, v, 0);
        }
    }

    private static void plan(int rounds, Path dir) throws Exception {
        Path plan = dir.resolve("plan");
        Files.createDirectories(plan);
        for (Map.Entry<String, String> e : PlanValidationBench.generate(100_000).entrySet()) {
            Files.writeString(plan.resolve(e.getKey()), e.getValue());
        }
        Map<String, IntFunction<String>> v = new LinkedHashMap<>();
        v.put("java -version (the JVM's own start)", i -> "java -version 2> /dev/null");
        v.put("manager --version, before", i -> MANAGER_BEFORE + " --version > /dev/null");
        v.put("manager --version, as installed", i -> MANAGER + "/bin/manager --version > /dev/null");
        v.put("manager plan check, before", i -> MANAGER_BEFORE + " plan check " + plan + " > /dev/null");
        v.put("manager plan check, as installed", i -> MANAGER + "/bin/manager plan check " + plan + " > /dev/null");
        if (previous != null) {
            v.put("manager --version, previous package", i -> onPrevious(MANAGER + "/bin/manager --version > /dev/null"));
            v.put("manager plan check, previous package", i -> onPrevious(MANAGER + "/bin/manager plan check " + plan + " > /dev/null"));
        }
        table("manager plan check, 100,000 allocations", rounds, v, 0);
    }

    /** {@code command} with the previous build's tree on /opt (a mount namespace of its own: ~5 ms more). */
    private static String onPrevious(String command) {
        return "unshare --mount sh -c 'mount --bind " + previous + " /opt && " + command.replace("'", "'\\''") + "'";
    }

    /** Runs each variant once per round (in order), {@code bash -c} under /usr/bin/time; prints medians. */
    private static void table(String title, int rounds, Map<String, IntFunction<String>> variants, int okExit) throws Exception {
        Map<String, List<double[]>> times = new LinkedHashMap<>();
        variants.keySet().forEach(k -> times.put(k, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, IntFunction<String>> e : variants.entrySet()) {
                times.get(e.getKey()).add(time(e.getKey(), e.getValue().apply(r), okExit));
            }
        }
        String first = variants.keySet().iterator().next();
        double base = median(times.get(first), 0);
        System.out.printf("%n%s (median of %d; load average now %s)%n", title, rounds,
                Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.println("| command | wall s | CPU s (user+sys) | wall / first row |");
        System.out.println("|---|---:|---:|---:|");
        for (Map.Entry<String, List<double[]>> e : times.entrySet()) {
            double wall = median(e.getValue(), 0);
            System.out.printf("| %s | %.2f | %.2f | %.2f |%n", e.getKey(), wall, median(e.getValue(), 1), wall / base);
        }
    }

    private static double[] time(String what, String command, int okExit) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/time", "-f", "TIME %e %U %S", "bash", "-c", command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int exit = p.waitFor();
        String line = out.lines().filter(l -> l.startsWith("TIME ")).reduce((a, b) -> b).orElse("");
        // audit exits 1 when it finds violations (the captures carry planted ones)
        if (exit != 0 && exit != okExit || line.isEmpty()) {
            throw new IllegalStateException(what + " failed (" + exit + "): " + out);
        }
        String[] f = line.split(" ");
        return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]) + Double.parseDouble(f[3])};
    }

    private static double median(List<double[]> v, int field) {
        double[] s = v.stream().mapToDouble(a -> a[field]).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
