package cn.egov.bench.monitor;

import cn.egov.isolation.monitor.AuditReport;
import cn.egov.isolation.monitor.ClassificationPolicy;
import cn.egov.isolation.monitor.OfflineAudit;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

/**
 * Before/after helper for {@link OfflineAuditBench}'s captures: one thread, the calling thread's CPU
 * time per pass, so that a loaded machine's scheduling does not enter the figure. Prints per pass
 * "M packets per CPU-second, M packets per wall-second, findings". It uses only what older trees
 * have too ({@code BenchPolicy.policy()}, the six-argument {@code ClassificationPolicy}; the modes of
 * {@code BenchPolicy.Mode} by reflection), so the same source compiles against an earlier commit's
 * classes for a same-run A/B (bench/RESULTS.md, "Unplanned hosts").
 *
 * <pre>
 * java -cp ... cn.egov.bench.monitor.AuditCpu FILE PASSES unnamed|lan-plain|lan|hosts
 * </pre>
 */
public final class AuditCpu {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int passes = Integer.parseInt(args[1]);
        String mode = args[2];
        ClassificationPolicy policy;
        String iface = null;
        if (mode.equals("unnamed")) {
            policy = BenchPolicy.policy();
        } else if (mode.equals("lan-plain")) { // the same "lan" interface, built with the constructor main has too
            ClassificationPolicy p = BenchPolicy.policy();
            java.util.List<ClassificationPolicy.Interface> interfaces = new java.util.ArrayList<>(p.interfaces());
            interfaces.add(new ClassificationPolicy.Interface("lan", java.util.List.of("internal", "external")));
            policy = new ClassificationPolicy(p.zones(), interfaces, p.plannedPrefixes(), p.backbonePrefixes(), p.tunnel(), p.allowedFlows());
            iface = "lan";
        } else {
            Class<?> m = Class.forName("cn.egov.bench.monitor.BenchPolicy$Mode");
            Object value = m.getMethod("valueOf", String.class).invoke(null, mode.toUpperCase());
            java.lang.reflect.Method p = BenchPolicy.class.getDeclaredMethod("policy", m);
            policy = (ClassificationPolicy) p.invoke(null, value);
            iface = "lan";
        }
        OfflineAudit audit = new OfflineAudit(policy, "bench", null, OfflineAudit.DEFAULT_FLOW_TABLE, 1);
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < passes; i++) {
            long c = t.getCurrentThreadCpuTime();
            long w = System.nanoTime();
            AuditReport r = audit.run(file, iface);
            double cpu = (t.getCurrentThreadCpuTime() - c) / 1e9;
            double wall = (System.nanoTime() - w) / 1e9;
            out.append(String.format("%.3f %.3f %d%n", r.frames() / cpu / 1e6, r.frames() / wall / 1e6, r.findings().size()));
        }
        System.out.print(out);
    }
}
