package cn.egov.bench.monitor;

import cn.egov.isolation.capture.DecodedPacket;
import cn.egov.isolation.capture.FrameBuilder;
import cn.egov.isolation.capture.FrameDecoder;
import cn.egov.isolation.capture.LinkType;
import cn.egov.isolation.capture.PcapWriter;
import cn.egov.isolation.monitor.AuditReport;
import cn.egov.isolation.monitor.FindingRule;
import cn.egov.isolation.monitor.OfflineAudit;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Classification rate of the offline audit against {@code tcpdump -r FILE -w /dev/null} on the
 * same file in the same run. Writes a capture of N packets (default 1,000,000) in the format
 * tcpdump writes (pcap, microseconds, little-endian, Ethernet): a mix of IPv4 and IPv6, TCP, UDP
 * and ICMP, 802.1Q and QinQ tags, with about 1 % violating packets spread over a few hundred flows.
 *
 * <pre>
 * java -cp ... cn.egov.bench.monitor.OfflineAuditBench [packets] [runs] [dir] [flows] [mode]
 * </pre>
 * {@code flows}: {@code reused} (default; a thousand clean flows of about a thousand packets
 * each) or {@code unique} (every clean packet a new flow: the worst case for the classifier's
 * memory of clean flows). {@code mode}: {@code unnamed} (default: the pcap as tcpdump writes it,
 * no interface named), {@code lan} (read as captured on a LAN interface of the internal and external
 * zones) or {@code hosts} (the same with the unit's allocations: every packet goes through the
 * unplanned-host check; all its sources are planned, so the findings stay the 300 planted flows).
 * An existing capture file of the same name is reused and kept (so that several modes read the same
 * file); a new one is deleted at the end.
 * Prints, each as the median of {@code runs}: tcpdump's rate (its whole process); the audit's
 * rate in a warm JVM (after two warm-up passes) with one thread and with two (read and decode |
 * classify); one pass in a fresh JVM with one and two threads (what a user of {@code appliance
 * audit} sees once the JVM is up); and the fresh JVM's whole process, start-up included, against
 * tcpdump's whole process.
 */
public final class OfflineAuditBench {

    private OfflineAuditBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--write")) { // --write PACKETS DIR reused|unique: the capture only, kept
            int n = Integer.parseInt(args[1]);
            boolean unique = args[3].equals("unique");
            write(Path.of(args[2]).resolve("bench-" + n + (unique ? "-unique" : "") + ".pcap"), n, unique);
            return;
        }
        if (args.length > 0 && args[0].equals("--once")) {
            once(Path.of(args[1]), Integer.parseInt(args[2]), BenchPolicy.Mode.valueOf(args[3]));
            return;
        }
        int packets = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("audit-bench");
        boolean unique = args.length > 3 && args[3].equals("unique");
        BenchPolicy.Mode mode = args.length > 4 ? BenchPolicy.Mode.valueOf(args[4].toUpperCase(java.util.Locale.ROOT)) : BenchPolicy.Mode.UNNAMED;
        Path file = dir.resolve("bench-" + packets + (unique ? "-unique" : "") + ".pcap");
        long t0 = System.nanoTime();
        boolean reused = Files.exists(file);
        if (!reused) {
            write(file, packets, unique);
        }
        System.out.printf("capture: %s, %d packets (%s clean flows), %.1f MB, %s in %.1f s; mode %s; %d processors%n", file, packets,
                unique ? "every clean packet a new flow" : "1,000 reused", Files.size(file) / 1e6, reused ? "reused" : "written",
                (System.nanoTime() - t0) / 1e9, mode, Runtime.getRuntime().availableProcessors());

        double[] tcpdump = new double[runs];
        for (int i = 0; i < runs; i++) {
            tcpdump[i] = tcpdumpRate(file, packets);
        }
        double[] warm1 = warm(file, packets, runs, 1, mode);
        double[] warm2 = warm(file, packets, runs, 2, mode);
        double[] cold1 = new double[runs];
        double[] cold2 = new double[runs];
        double[] process2 = new double[runs];
        for (int i = 0; i < runs; i++) {
            cold1[i] = coldRate(file, 1, packets, mode)[0];
            double[] c = coldRate(file, 2, packets, mode);
            cold2[i] = c[0];
            process2[i] = c[1];
        }
        double td = median(tcpdump);
        System.out.printf("tcpdump -r FILE -w /dev/null (whole process): median %.2f M packets/s  (runs: %s)%n", td / 1e6, format(tcpdump));
        report("offline audit, warm JVM, 1 thread:  ", warm1, td);
        report("offline audit, warm JVM, 2 threads: ", warm2, td);
        report("offline audit, fresh JVM, 1 thread (JVM start excluded):  ", cold1, td);
        report("offline audit, fresh JVM, 2 threads (JVM start excluded): ", cold2, td);
        report("offline audit, fresh JVM, 2 threads, whole process:       ", process2, td);
        if (!reused) {
            Files.delete(file);
        }
    }

    private static double[] warm(Path file, int packets, int runs, int threads, BenchPolicy.Mode mode) throws Exception {
        OfflineAudit audit = new OfflineAudit(BenchPolicy.policy(mode), "bench", null, OfflineAudit.DEFAULT_FLOW_TABLE, threads);
        for (int i = 0; i < 2; i++) {
            audit.run(file, mode.interfaceName());
        }
        double[] rates = new double[runs];
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            AuditReport r = audit.run(file, mode.interfaceName());
            rates[i] = r.frames() / ((System.nanoTime() - s) / 1e9);
            check(r, packets);
        }
        return rates;
    }

    private static void check(AuditReport r, int packets) {
        // only the planted violating flows (300, all of them from 1 M packets up); no source of the capture is unplanned
        if (r.frames() != packets || r.ipPackets() != packets || r.findings().isEmpty() || r.findings().size() > 300
                || r.findings().stream().anyMatch(e -> e.finding().rule() == FindingRule.UNPLANNED_HOST)) {
            throw new IllegalStateException("audit read " + r.frames() + " of " + packets + " frames, " + r.ipPackets()
                    + " as IP, " + r.findings().size() + " findings");
        }
    }

    private static void report(String what, double[] rates, double tcpdump) {
        System.out.printf("%s median %.2f M packets/s, %.2f x tcpdump  (runs: %s)%n", what, median(rates) / 1e6,
                median(rates) / tcpdump, format(rates));
    }

    /** One pass in this JVM: what {@code appliance audit} does after start-up. */
    private static void once(Path file, int threads, BenchPolicy.Mode mode) throws Exception {
        OfflineAudit audit = new OfflineAudit(BenchPolicy.policy(mode), "bench", null, OfflineAudit.DEFAULT_FLOW_TABLE, threads);
        long s = System.nanoTime();
        AuditReport r = audit.run(file, mode.interfaceName());
        System.out.println(r.frames() / ((System.nanoTime() - s) / 1e9) + " " + r.findings().size());
    }

    /** {rate inside the fresh JVM, rate of its whole process}. */
    private static double[] coldRate(Path file, int threads, int packets, BenchPolicy.Mode mode) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long s = System.nanoTime();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), OfflineAuditBench.class.getName(),
                "--once", file.toString(), Integer.toString(threads), mode.name()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("cold run failed: " + out);
        }
        double wall = (System.nanoTime() - s) / 1e9;
        String[] lines = out.split("\n");
        String[] last = lines[lines.length - 1].split(" ");
        if (Integer.parseInt(last[1]) == 0) {
            throw new IllegalStateException("cold run found nothing: " + out);
        }
        return new double[] {Double.parseDouble(last[0]), packets / wall};
    }

    private static double tcpdumpRate(Path file, int packets) throws IOException, InterruptedException {
        long s = System.nanoTime();
        Process p = new ProcessBuilder("tcpdump", "-r", file.toString(), "-w", "/dev/null").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("tcpdump failed: " + out);
        }
        return packets / ((System.nanoTime() - s) / 1e9);
    }

    public static void write(Path file, int packets) throws IOException {
        write(file, packets, false);
    }

    /**
     * @param newFlowEachPacket every clean packet a flow of its own (a new source port or address):
     *                          the worst case for the classifier's memory of clean flows
     */
    static void write(Path file, int packets, boolean newFlowEachPacket) throws IOException {
        Random r = new Random(42);
        List<IntFunction<byte[]>> makers = new ArrayList<>();
        // clean traffic: internal to the backbone resolver and web, external browsing, IPv6, tagged;
        // n picks the flow: a source port (and past 64,000 another host), or an ICMPv6 source address
        for (int i = 0; i < 200; i++) {
            int k = i;
            int payload = r.nextInt(256);
            makers.add(n -> FrameBuilder.ethernet(mac(k), "02:00:00:00:00:f1").ip(host("10.6.", n, k), "10.200.1.53")
                    .udp(port(n, 30000 + k), 53, payload).build());
            makers.add(n -> FrameBuilder.ethernet(mac(k), "02:00:00:00:00:f1").ip(host("10.6.", n, k), "10.200.2." + (k % 200 + 1))
                    .tcp(port(n, 40000 + k), 443, DecodedPacket.TCP_ACK, payload).build());
            makers.add(n -> FrameBuilder.ethernet(mac(1000 + k), "02:00:00:00:00:f2").vlan(FrameDecoder.ETHERTYPE_VLAN, 20)
                    .ip(host("198.18.", n, k), "203.0.113." + (k % 250 + 1)).tcp(port(n, 50000 + k), 443, DecodedPacket.TCP_ACK, payload).build());
            makers.add(n -> FrameBuilder.ethernet(mac(1000 + k), "02:00:00:00:00:f2").vlan(FrameDecoder.ETHERTYPE_QINQ, 100)
                    .vlan(FrameDecoder.ETHERTYPE_VLAN, 21).ip("2001:db8:8006::" + Integer.toHexString(k + 1), "3fff::" + Integer.toHexString(k + 1))
                    .tcp(port(n, 50000 + k), 443, DecodedPacket.TCP_ACK, payload).build());
            makers.add(n -> FrameBuilder.ethernet(mac(k), "02:00:00:00:00:f1")
                    .ip(n < 0 ? "2001:db8:6:8::" + Integer.toHexString(k + 1)
                            : "2001:db8:6:8::" + Integer.toHexString((n >>> 16) + 1) + ":" + Integer.toHexString(n & 0xFFFF), "2001:db8:6:8::1")
                    .withExtensionHeader().icmp(128, payload).build());
        }
        List<byte[]> templates = new ArrayList<>();
        for (IntFunction<byte[]> m : makers) {
            templates.add(m.apply(-1));
        }
        int clean = templates.size();
        // violations: internal hosts to the Internet and to public resolvers, a few hundred flows
        for (int i = 0; i < 300; i++) {
            templates.add(FrameBuilder.ethernet(mac(i), "02:00:00:00:00:f1").ip("10.6.8." + (i % 250 + 1), "198.51.100." + (i % 250 + 1))
                    .udp(20000 + i, i % 3 == 0 ? 53 : 5000, r.nextInt(128)).build());
        }
        long t = 1_764_230_400_000_000_000L;
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.Format.PCAP_MICROS, ByteOrder.LITTLE_ENDIAN,
                List.of(new PcapWriter.InterfaceSpec(null, LinkType.ETHERNET)))) {
            for (int i = 0; i < packets; i++) {
                byte[] f;
                if (r.nextInt(100) == 0) {
                    f = templates.get(clean + r.nextInt(templates.size() - clean));
                } else {
                    int j = r.nextInt(clean);
                    f = newFlowEachPacket ? makers.get(j).apply(i) : templates.get(j);
                }
                w.frame(0, t += 2_000, f);
            }
        }
    }

    /** A source port: the template's own, or one for flow n. */
    private static int port(int n, int own) {
        return n < 0 ? own : 1024 + n % 64_000;
    }

    /** A source host in the /16: the template's own, or one per 64,000 flows. */
    private static String host(String net, int n, int k) {
        int octet = n < 0 ? k % 250 + 1 : n / 64_000 % 250 + 1;
        return net + (net.startsWith("10.") ? "8." : "81.") + octet;
    }

    private static String mac(int i) {
        return String.format("02:00:00:00:%02x:%02x", (i >> 8) & 0xFF, i & 0xFF);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String format(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format("%.2f", d / 1e6));
        }
        return b.append(" M/s").toString();
    }
}
