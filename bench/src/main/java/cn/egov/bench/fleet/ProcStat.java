package cn.egov.bench.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of one process, read from {@code /proc} (whole-process figures, children not included). */
public record ProcStat(long pid, double cpuSeconds, long rssKb, long nanoTime) {

    /** Linux's USER_HZ: the unit of utime/stime in {@code /proc/PID/stat}. */
    private static final double CLOCK_TICKS = 100.0;

    public static ProcStat of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name (which may contain spaces) in parentheses
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS; // utime, stime
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            return new ProcStat(pid, cpu, rss, System.nanoTime());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + ": " + e.getMessage(), e);
        }
    }

    /** CPU seconds of a process and its descendants alive now (one that ends meanwhile counts 0). */
    public static double treeSeconds(ProcessHandle root) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(root), root.descendants()).mapToDouble(p -> {
            try {
                return of(p.pid()).cpuSeconds();
            } catch (IllegalStateException gone) {
                return 0;
            }
        }).sum();
    }

    /** Cores used between {@code earlier} and this sample (1.0 = one core busy all the time). */
    double coresSince(ProcStat earlier) {
        return (cpuSeconds - earlier.cpuSeconds) / ((nanoTime - earlier.nanoTime) / 1e9);
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
