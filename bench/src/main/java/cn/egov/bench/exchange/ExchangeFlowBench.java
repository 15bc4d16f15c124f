package cn.egov.bench.exchange;

import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.model.Classification;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentMeta;
import cn.egov.exchange.model.MessageIds;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.model.Urgency;
import cn.egov.exchange.store.DeliveryState;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.rules.unit.UnitCode;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end exchange throughput, box → hub → box: box A stores {@code n} documents of {@code size}
 * bytes while its backbone is down; when it comes back, the time until box A holds a verified
 * receipt for every one (uploads over HTTPS with the box certificate, the hub's store, its notice to
 * box B over MQTT/TLS, B's fetch over HTTPS, B's store, decryption, verification and receipt, the
 * receipt's way back through B's outbox, the hub and A's control channel), with the moments every
 * document was at the hub and in B's inbox on the way. Everything in one JVM: the manager with its
 * embedded Artemis (TLS listener, certificates of the CA) and document server, and two boxes with
 * the real telemetry stack (SQLite outbox, FULL sync). Baseline in the same run: {@code curl}
 * uploading the same files (HTTP PUT, one connection, TLS) to nginx writing them to disk. Both sides
 * also report the CPU time they spent per document (this JVM; curl and nginx's processes), which a
 * machine shared with other work does not distort as much as it does the wall clock.
 *
 * <p>A warm-up of {@code warmup} documents first goes the whole way with the link up (not timed), so
 * that the timed part measures compiled code rather than the JIT at work.
 *
 * <pre>java -cp <bench class path> cn.egov.bench.exchange.ExchangeFlowBench [documents=200] [size-bytes=1048576] [warmup=0]</pre>
 */
public final class ExchangeFlowBench {

    static final UnitCode A = UnitCode.parse("130602-001");
    static final UnitCode B = UnitCode.parse("130602-002");

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        Path dir = Files.createTempDirectory("exchange-flow-bench");
        Path in = Files.createDirectories(dir.resolve("in"));
        List<byte[]> contents = new ArrayList<>();
        Random r = new Random(7);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            contents.add(b);
            Files.write(in.resolve("doc-" + i + ".pdf"), b);
        }
        System.out.printf(Locale.ROOT, "%d documents of %d bytes; %s; %d cores%n", n, size, Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        double[] ours;
        double[] curl;
        try {
            ours = exchange(dir, contents, size, warmup);
            curl = curlToNginx(dir, n, size);
        } finally { // each run leaves four stores of every document (300 MB and more): never keep them
            cn.egov.bench.ingest.MessagingLayerProbe.deleteTree(dir);
        }
        System.out.printf(Locale.ROOT, "exchange box -> hub -> box with receipts: %.1f documents/s, %.1f MB/s%n", ours[0], ours[1]);
        System.out.printf(Locale.ROOT, "curl PUT to nginx (TLS, one connection): %.1f documents/s, %.1f MB/s%n", curl[0], curl[1]);
        System.out.printf(Locale.ROOT, "ratio %.2f (documents/s)%n", ours[0] / curl[0]);
        // on a machine shared with other work the wall-clock figures say how much CPU each side got; the CPU
        // each spent per document says what it costs
        System.out.printf(Locale.ROOT, "CPU per document: exchange %.1f ms (the whole JVM: manager, broker, both boxes), curl + nginx %.1f ms;"
                + " ratio %.2f%n", ours[2], curl[2], curl[2] / ours[2]);
    }

    static double[] exchange(Path dir, List<byte[]> contents, int size, int warmup) throws Exception {
        int n = contents.size();
        try (BenchPki pki = new BenchPki(dir.resolve("ca"))) {
            Path trust = dir.resolve("trust.pem");
            PemFiles.write(trust, pki.ca.rootCertificate(), pki.ca.issuingCertificate(), pki.ca.sm2SigningCaCertificate());
            ManagerConfig base = ManagerConfig.defaults().with(ConfigKey.DATA_DIR, dir.resolve("manager")).with(ConfigKey.BROKER_PORT, 0)
                    .with(ConfigKey.WEB_PORT, 0).with(ConfigKey.BROKER_TLS_PORT, 0);
            Map<String, String> ext = new HashMap<>(base.extensions());
            ext.put("exchange.trust-file", trust.toString());
            ext.put("exchange.max-document-bytes", Long.toString(4L * size + (1 << 20)));
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            ext.put("exchange.port", Integer.toString(port));
            URI hub = URI.create("https://127.0.0.1:" + port);
            ManagerConfig config = new ManagerConfig("bench", base.values(), ext);
            TrustAnchors anchors = new TrustAnchors(List.of(pki.ca.rootCertificate()), List.of(pki.ca.issuingCertificate()), Clock.systemUTC());
            try (ManagerAssembly manager = ManagerAssembly.start(config, ManagerAssembly.Options.defaults().withTlsCa(pki.ca));
                 BenchBox a = new BenchBox(pki, A.toString(), Files.createDirectories(dir.resolve("a")), List.of(pki.unit(A, false)), anchors,
                         manager.brokerTlsUrl(), hub, 2L * size);
                 BenchBox b = new BenchBox(pki, B.toString(), Files.createDirectories(dir.resolve("b")), List.of(pki.unit(B, false)), anchors,
                         manager.brokerTlsUrl(), hub, 2L * size)) {
                a.service.register();
                b.service.register();
                await("the directory at box A", () -> a.store.directory(B.toString()).isPresent());
                if (warmup > 0) {
                    long w0 = System.nanoTime();
                    for (int i = 0; i < warmup; i++) {
                        send(a, contents.get(i % n));
                    }
                    await("every warm-up receipt at box A", () -> a.service.metrics().receiptsAccepted.sum() >= warmup);
                    System.out.printf(Locale.ROOT, "warm-up: %d documents the whole way, link up, in %.1f s (not timed)%n", warmup,
                            (System.nanoTime() - w0) / 1e9);
                }
                a.connect(BenchBox.UNREACHABLE);
                long t0 = System.nanoTime();
                for (byte[] c : contents) {
                    send(a, c);
                }
                double stored = n / ((System.nanoTime() - t0) / 1e9);
                System.out.printf(Locale.ROOT, "box A stored %d documents while offline: %.1f documents/s (seal + SQLite + outbox)%n", n, stored);
                long t1 = System.nanoTime();
                long cpu0 = processCpuNanos();
                long jit0 = threadCpuNanos("C1 CompilerThre", "C2 CompilerThre");
                long gc0 = threadCpuNanos("GC Thread", "G1 ");
                Map<String, Long> threads0 = cpuByThreadGroup();
                a.connect(manager.brokerTlsUrl());
                long[] atHub = {0};
                long[] inB = {0};
                long[] lastLine = {t1};
                // watched through the services' counters: polling the stores would hold their locks against the exchange
                await("every receipt at box A", () -> {
                    if (atHub[0] == 0 && a.service.metrics().uploaded.sum() >= n + warmup) {
                        atHub[0] = System.nanoTime();
                    }
                    if (inB[0] == 0 && b.service.metrics().received.sum() >= n + warmup) {
                        inB[0] = System.nanoTime();
                    }
                    long now = System.nanoTime();
                    if (now - lastLine[0] >= 2_000_000_000L) {
                        // the timeline: where each leg stands, to see which one sets the pace
                        lastLine[0] = now;
                        System.out.printf(Locale.ROOT, "  %5.1f s: at hub %d, in B %d, receipts at A %d (hub: %s sends deferred)%n",
                                (now - t1) / 1e9, a.service.metrics().uploaded.sum() - warmup, b.service.metrics().received.sum() - warmup,
                                a.service.metrics().receiptsAccepted.sum() - warmup, manager.meters().snapshot().get("exchange.sends-deferred"));
                    }
                    return a.service.metrics().receiptsAccepted.sum() >= n + warmup;
                });
                double seconds = (System.nanoTime() - t1) / 1e9;
                double cpuMs = (processCpuNanos() - cpu0) / 1e6 / n;
                System.out.printf(Locale.ROOT, "of the JVM's CPU per document: JIT compiler threads %.1f ms, GC threads %.1f ms%n",
                        (threadCpuNanos("C1 CompilerThre", "C2 CompilerThre") - jit0) / 1e6 / n, (threadCpuNanos("GC Thread", "G1 ") - gc0) / 1e6 / n);
                printCpuByThreadGroup(threads0, cpuByThreadGroup(), n);
                if (a.store.outgoingCounts().get(DeliveryState.RECEIVED) != n + warmup) {
                    throw new IllegalStateException("box A does not hold a receipt for each document");
                }
                System.out.printf(Locale.ROOT, "after the link returned: every document at the hub in %.1f s, in B's inbox (opened, receipted) in %.1f s,"
                        + " every receipt at A in %.1f s%n", (atHub[0] - t1) / 1e9, (inB[0] - t1) / 1e9, seconds);
                if (b.store.inbox(List.of(B.toString()), null, n + warmup + 10).size() != n + warmup) {
                    throw new IllegalStateException("box B's inbox does not hold each document once");
                }
                return new double[] {n / seconds, (double) n * size / seconds / 1e6, cpuMs};
            }
        }
    }

    static void send(BenchBox a, byte[] content) throws Exception {
        Instant now = Instant.now();
        a.service.send(new Document(new DocumentMeta(MessageIds.newId(), "冀文〔2026〕1号", "bench", A, List.of(B),
                Urgency.ROUTINE, Classification.NON_SECRET, now.plus(Duration.ofDays(1)), now),
                List.of(new Part("正文.pdf", "application/pdf", content))));
    }

    /** One thread of this JVM and its CPU time so far, user and system, in ticks of 10 ms (fields 14 and 15 of proc(5)). */
    record TaskCpu(String name, long user, long system) {
    }

    /** The stat file of each task in /proc/self/task; threads that end meanwhile are left out. */
    static List<TaskCpu> tasks() throws java.io.IOException {
        List<TaskCpu> out = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (java.io.IOException gone) {
                    continue; // the thread ended
                }
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                out.add(new TaskCpu(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')), Long.parseLong(f[11]), Long.parseLong(f[12])));
            }
        }
        return out;
    }

    /**
     * CPU time of this JVM's threads whose names start with one of {@code prefixes}: the JIT compilers compile
     * this code while it runs, a share a long-running box does not pay; the GC threads say what the copies of
     * each megabyte cost.
     */
    static long threadCpuNanos(String... prefixes) throws java.io.IOException {
        return tasks().stream().filter(t -> java.util.Arrays.stream(prefixes).anyMatch(t.name()::startsWith))
                .mapToLong(t -> t.user() + t.system()).sum() * 10_000_000L;
    }

    /**
     * CPU time (ticks) of this JVM's threads by group: the name without its numbers (the hub's
     * "exchange-documents-12" and "-31" are one group), and apart the system part of each (the kernel: disk
     * writes and syncs, sockets). Threads that ended in between are not counted.
     */
    static Map<String, Long> cpuByThreadGroup() throws java.io.IOException {
        Map<String, Long> out = new HashMap<>();
        for (TaskCpu t : tasks()) {
            String group = t.name().replaceAll("[-#]?[0-9]+", "");
            out.merge(group, t.user() + t.system(), Long::sum);
            out.merge(group + " (system)", t.system(), Long::sum);
        }
        return out;
    }

    /** The timed part's CPU per document of the thread groups that took most (Linux truncates thread names to 15 characters). */
    static void printCpuByThreadGroup(Map<String, Long> before, Map<String, Long> after, int n) {
        StringBuilder b = new StringBuilder("CPU per document by thread group (ms):");
        after.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(24)
                .forEach(e -> b.append(String.format(Locale.ROOT, " %s %.1f;", e.getKey(), e.getValue() * 10.0 / n)));
        System.out.println(b);
    }

    /** CPU time of this JVM, every thread. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of a live process and its children (nginx's master and workers). */
    static long cpuNanos(ProcessHandle p) {
        long own = p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        return own + p.children().mapToLong(ExchangeFlowBench::cpuNanos).sum();
    }

    /** CPU time of the children this JVM has waited for (/proc/self/stat cutime + cstime, in clock ticks of 10 ms). */
    static long waitedChildrenCpuNanos() throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10_000_000L; // fields 16 and 17 of proc(5)
    }

    /** nginx with TLS on a free loopback port, writing every PUT to disk; one curl process uploads every file over one connection. */
    static double[] curlToNginx(Path dir, int n, int size) throws Exception {
        Path ng = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(ng.resolve("www/up"));
        Files.createDirectories(ng.resolve("tmp"));
        KeyPair k = KeyPairs.p256();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process req = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", ng.resolve("key.pem").toString(), "-out", ng.resolve("cert.pem").toString(), "-days", "2", "-subj", "/CN=localhost")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (req.waitFor() != 0 || k == null) {
            throw new IllegalStateException("openssl req failed");
        }
        Files.writeString(ng.resolve("nginx.conf"), """
                # run as root (as the bench is): the workers write into the bench's private temporary folder
                user root;
                worker_processes auto;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp;
                    proxy_temp_path %1$s/tmp; fastcgi_temp_path %1$s/tmp; uwsgi_temp_path %1$s/tmp; scgi_temp_path %1$s/tmp;
                    client_max_body_size 64m;
                    server {
                        listen 127.0.0.1:%2$d ssl;
                        ssl_certificate %1$s/cert.pem;
                        ssl_certificate_key %1$s/key.pem;
                        root %1$s/www;
                        location /up/ { dav_methods PUT; }
                    }
                }
                """.formatted(ng, port));
        Process nginx = new ProcessBuilder("nginx", "-p", ng.toString(), "-c", ng.resolve("nginx.conf").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(ng.resolve("nginx.out").toFile()).start();
        try {
            await("nginx", () -> {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    return true;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            StringBuilder cfg = new StringBuilder();
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    cfg.append("next\n");
                }
                cfg.append("url = \"https://127.0.0.1:").append(port).append("/up/doc-").append(i).append(".pdf\"\n")
                        .append("upload-file = \"").append(dir.resolve("in/doc-" + i + ".pdf")).append("\"\n")
                        .append("insecure\nsilent\nfail\noutput = \"/dev/null\"\n");
            }
            Path cfgFile = Files.writeString(ng.resolve("upload.curl"), cfg.toString());
            long nginxCpu0 = cpuNanos(nginx.toHandle());
            long curlCpu0 = waitedChildrenCpuNanos();
            long t0 = System.nanoTime();
            Process curl = new ProcessBuilder("curl", "-K", cfgFile.toString()).inheritIO().start();
            if (!curl.waitFor(30, TimeUnit.MINUTES) || curl.exitValue() != 0) {
                throw new IllegalStateException("curl failed");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuMs = (cpuNanos(nginx.toHandle()) - nginxCpu0 + waitedChildrenCpuNanos() - curlCpu0) / 1e6 / n;
            try (var stored = Files.list(ng.resolve("www/up"))) {
                if (stored.count() != n) {
                    throw new IllegalStateException("nginx did not store every file");
                }
            }
            return new double[] {n / seconds, (double) n * size / seconds / 1e6, cpuMs};
        } finally {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void await(String what, Check c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (!c.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
