package cn.egov.bench.policy;

import cn.egov.isolation.enforce.ApplyResult;
import cn.egov.isolation.enforce.NftCommand;
import cn.egov.isolation.enforce.PolicyEnforcer;
import cn.egov.isolation.enforce.ProcessNft;
import cn.egov.isolation.enforce.ProcessScratchNft;
import cn.egov.lab.NetLab;
import cn.egov.rules.nft.NftRuleset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the exact comparison of the live table costs (issue 16), for the {@link ScalePolicy} of
 * 10,000 prefixes and 500 flows, next to the apply itself and {@code nft -f} in the same run:
 * <ol>
 * <li>in process (median of the runs after the first): the scratch load and listing (once per
 *     ruleset, then cached), a periodic verification (list the live table, canonicalise, compare),
 *     {@code check} and an adopting {@code apply} in a fresh enforcer, an apply that replaces;</li>
 * <li>whole processes, wall clock and CPU ({@code /usr/bin/time}): {@code nft -f FILE},
 *     {@code nft -j list table}, the scratch command itself, and {@code appliance policy print},
 *     {@code check} and {@code apply} (table already exact; and a new version each run).</li>
 * </ol>
 * {@code java -cp ... cn.egov.bench.policy.ExactComparisonBench APPLIANCE [runs]} (root; makes and
 * removes its own namespace). {@code APPLIANCE} is {@code appliance/target/dist/bin/appliance}.
 */
public final class ExactComparisonBench {

    static final int RULES = 500;

    public static void main(String[] args) throws Exception {
        String appliance = args[0];
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path tmp = Files.createTempDirectory("exactbench");
        try (NetLab lab = NetLab.create("exb")) {
            String box = lab.host("box");
            NftCommand nft = ProcessNft.inNamespace(box);
            Path dir = tmp.resolve("policy");
            ScalePolicy.write(dir, 5000, RULES, 10, "exact");
            NftRuleset rs = PolicyEnforcer.compile(dir, java.time.LocalDate.now()).ruleset();
            String text = rs.text();
            Path script = tmp.resolve("ruleset.nft");
            Files.writeString(script, text);
            Path lock = tmp.resolve("lock");
            System.out.printf("policy: %d nft rules, %,d set elements, script %,d bytes%n%n", rs.ruleCount(), rs.elementCount(), text.length());

            req(nft.run(List.of("-f", "-"), text));
            PolicyEnforcer running = new PolicyEnforcer(nft, Clock.systemUTC(), lock);
            check(running.apply(dir));
            System.out.println("## in process (ms; first run, then median of the rest; Java thread CPU, median)");
            System.out.println("| step | first | median | Java CPU |");
            System.out.println("|---|---:|---:|---:|");
            row("nft -f (replace the table)", runs, () -> req(nft.run(List.of("-f", "-"), text)));
            row("nft -j list table inet egov", runs, () -> req(nft.run(List.of("-j", "list", "table", "inet", "egov"), null)));
            String commands = rs.commands();
            for (String prefix : ProcessScratchNft.DEFAULT_COMMANDS) {
                ProcessScratchNft one = new ProcessScratchNft(List.of(prefix));
                row("scratch namespace (" + prefix + "): load + list (once per ruleset)", runs, () -> {
                    NftCommand.Result r = one.load(commands);
                    if (!r.ok()) {
                        throw new IllegalStateException("scratch load failed: " + r.stderr());
                    }
                });
            }
            row("periodic verification: list + canonicalise + compare (expected cached)", runs, () -> {
                if (!running.verify().isClean()) {
                    throw new IllegalStateException("drift");
                }
            });
            row("check in a fresh enforcer: compile + scratch + list + compare", runs, () -> {
                ApplyResult r = new PolicyEnforcer(nft, Clock.systemUTC(), lock).check(dir);
                if (!r.drift().isClean()) {
                    throw new IllegalStateException(r.drift().toString());
                }
            });
            row("apply in a fresh enforcer, table exact: compile + scratch + list + compare (adopts)", runs, () -> {
                ApplyResult r = new PolicyEnforcer(nft, Clock.systemUTC(), lock).apply(dir);
                if (r.status() != ApplyResult.Status.UNCHANGED) {
                    throw new IllegalStateException(r.message());
                }
            });
            int[] version = {0};
            row("apply of a new version: compile + scratch + list + nft -f + list + compare", runs, () -> {
                try {
                    ScalePolicy.write(dir, 5000, RULES, 10, "v" + version[0]++);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                ApplyResult r = running.apply(dir);
                if (r.status() != ApplyResult.Status.APPLIED) {
                    throw new IllegalStateException(r.message());
                }
            });

            ScalePolicy.write(dir, 5000, RULES, 10, "exact");
            check(running.apply(dir));
            System.out.println();
            System.out.println("## whole processes (wall s / user+sys s; median of " + runs + ")");
            System.out.println("| command | wall | CPU |");
            System.out.println("|---|---:|---:|");
            String ns = "ip netns exec " + box + " ";
            String cli = appliance + " policy --nft '" + ns + "nft' --lock " + lock + " --no-route-guard ";
            timed("nft -f FILE (the table replaced)", runs, ns + "nft -f " + script);
            timed("nft -j list table inet egov", runs, ns + "nft -j list table inet egov > /dev/null");
            Path commandsFile = tmp.resolve("commands.nft");
            Files.writeString(commandsFile, commands);
            Path shell = tmp.resolve("scratch.sh");
            Files.writeString(shell, ProcessScratchNft.SCRIPT);
            for (String prefix : ProcessScratchNft.DEFAULT_COMMANDS) {
                timed(prefix + " sh -c SCRIPT (the scratch load and list, as the enforcer runs it)", runs,
                        prefix + " sh " + shell + " < " + commandsFile + " > /dev/null");
            }
            timed("appliance policy print DIR (JVM, load, compile; no nft)", runs, cli + "print " + dir + " > /dev/null");
            timed("appliance policy check DIR (table exact: exit 0)", runs, cli + "check " + dir + " > /dev/null");
            timed("appliance policy apply DIR (table exact: unchanged)", runs, cli + "apply " + dir + " > /dev/null");
            int[] v = {0};
            timedWith("appliance policy apply DIR (a new version each run: replaced)", runs, () -> {
                try {
                    ScalePolicy.write(dir, 5000, RULES, 10, "w" + v[0]++);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return cli + "apply " + dir + " > /dev/null";
            });
        } finally {
            try (var s = Files.walk(tmp)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Wall time, and this JVM thread's CPU time (the nft child processes' CPU is in the whole-process table). */
    private static void row(String what, int runs, Runnable step) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] t = new long[runs];
        long[] cpu = new long[runs];
        for (int i = 0; i < runs; i++) {
            long c = threads.getCurrentThreadCpuTime();
            long a = System.nanoTime();
            step.run();
            t[i] = System.nanoTime() - a;
            cpu[i] = threads.getCurrentThreadCpuTime() - c;
        }
        System.out.printf("| %s | %.0f | %.0f | %.0f |%n", what, t[0] / 1e6, median(Arrays.copyOfRange(t, 1, runs)) / 1e6,
                median(Arrays.copyOfRange(cpu, 1, runs)) / 1e6);
    }

    private static void timed(String what, int runs, String command) throws Exception {
        timedWith(what, runs, () -> command);
    }

    /** Runs {@code bash -c COMMAND} under {@code /usr/bin/time}: wall, user and system seconds. */
    private static void timedWith(String what, int runs, Supplier<String> command) throws Exception {
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Process p = new ProcessBuilder("/usr/bin/time", "-f", "TIME %e %U %S", "bash", "-c", command.get())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            int exit = p.waitFor();
            String line = out.lines().filter(l -> l.startsWith("TIME ")).reduce((a, b) -> b).orElse("");
            if (exit != 0 || line.isEmpty()) {
                throw new IllegalStateException(what + " failed (" + exit + "): " + out);
            }
            String[] f = line.split(" ");
            wall.add(Double.parseDouble(f[1]));
            cpu.add(Double.parseDouble(f[2]) + Double.parseDouble(f[3]));
        }
        System.out.printf("| %s | %.2f | %.2f |%n", what, medianD(wall), medianD(cpu));
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double medianD(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    private static void req(NftCommand.Result r) {
        if (!r.ok()) {
            throw new IllegalStateException(r.stderr());
        }
    }

    private static void check(ApplyResult r) {
        if (r.status() == ApplyResult.Status.REJECTED) {
            throw new IllegalStateException(r.message());
        }
    }
}
