package cn.egov.bench.portal;

import cn.egov.api.portal.PortalIndex;
import cn.egov.api.portal.PortalManifest;
import cn.egov.api.portal.SignedSnapshot;
import cn.egov.api.portal.SiteFile;
import cn.egov.api.portal.SiteNode;
import cn.egov.api.portal.SnapshotVerifier;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.portal.PortalCommand;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.portal.mirror.ManagerClient;
import cn.egov.portal.mirror.MirrorStore;
import cn.egov.portal.mirror.ServedSites;
import cn.egov.portal.mirror.SignerRevocation;
import cn.egov.portal.mirror.SnapshotSync;
import cn.egov.portal.mirror.SyncOutcome;
import cn.egov.portal.mirror.VerifiedBlobs;
import cn.egov.portal.notice.NoticeBoard;
import cn.egov.portal.serve.PortalAdmin;
import cn.egov.portal.serve.PortalServer;
import cn.egov.rules.unit.UnitCode;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The box serving a realistic site (1,000 files: HTML, CSS, JS, images; {@link SiteGenerator})
 * against nginx (Debian package) serving the same files, with the same load ({@code wrk}, every
 * file in turn, Host {@code www.bd.gov.cn}): requests/s and latency percentiles of
 * <ol>
 *   <li>nginx 1.22 ({@code worker_processes auto}, {@code sendfile on}, {@code access_log off});</li>
 *   <li>the box's server in process ({@link PortalServer} with the box's default settings, in this JVM);</li>
 *   <li>the real box process ({@code appliance run} of the assembled distribution, its shipped JVM flags),
 *       restoring the same signed snapshot from its state directory with the manager unreachable —
 *       what a LAN user meets during an outage.</li>
 * </ol>
 * Rounds are interleaved (nginx, in-process, box, nginx, ...) so that a load change on the machine
 * hits all three; the median round is reported.
 *
 * <p>The box process runs once per round for each configuration given after the connections, as
 * {@code LABEL|NAME=VALUE|NAME=VALUE...} (environment of {@code bin/appliance}: {@code APPLIANCE_JAVA_OPTS},
 * {@code MALLOC_ARENA_MAX}, ...; {@code DIST=DIR} runs another distribution, e.g. a build of the code before a change);
 * without any, the shipped flags. Its resident memory is read 3 s after it serves, then idle as the footprint benchmark
 * reads it ({@code bench/footprint/run.sh}: after {@value #IDLE_S} s, the median of {@value #RSS_SAMPLES} samples a second
 * apart), after the load, and at its peak.
 *
 * <pre>
 * java -cp ... cn.egov.bench.portal.PortalServeBench WORKDIR APPLIANCE_DIST [rounds] [seconds] [connections] [LABEL|ENV=V|...]...
 * </pre>
 */
public final class PortalServeBench {

    static final String SITE = "www.bd.gov.cn";
    static final UnitCode UNIT = UnitCode.parse("130602-001");
    private static final char[] PASS = "bench-passphrase".toCharArray();

    /** A box process configuration: its label and the environment of {@code bin/appliance}. */
    record BoxConfig(String label, Map<String, String> env) {
        static BoxConfig parse(String arg) {
            String[] parts = arg.split("\\|");
            Map<String, String> env = new java.util.LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                env.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
            return new BoxConfig(parts[0], env);
        }
    }

    /**
     * One wrk run; {@code cpuUsPerRequest}: CPU time (user + system) the server used during the timed run per request
     * served, far less sensitive to other load on a shared machine than requests/s.
     */
    record Run(String what, double rps, double p50ms, double p90ms, double p99ms, double mbps, long errors, double cpuUsPerRequest) {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(args[0]));
        Path dist = Path.of(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int connections = args.length > 4 ? Integer.parseInt(args[4]) : 64;

        Path site = work.resolve("site");
        List<String> paths = SiteGenerator.portal(site, 11);
        long bytes = 0;
        for (String p : paths) {
            bytes += Files.size(site.resolve(p.substring(1)));
        }
        System.out.printf("site: %d files, %d bytes%n", paths.size(), bytes);
        Files.write(work.resolve("paths.txt"), paths);
        Path lua = work.resolve("paths.lua");
        Files.writeString(lua, """
                local paths = {}
                for line in io.lines("%s") do paths[#paths + 1] = line end
                local i = 0
                request = function()
                  i = i %% #paths + 1
                  return wrk.format("GET", paths[i], {["Host"] = "%s"})
                end
                """.formatted(work.resolve("paths.txt"), SITE));

        List<BoxConfig> configs = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            configs.add(BoxConfig.parse(args[i]));
        }
        if (configs.isEmpty()) {
            configs.add(new BoxConfig("box process (appliance run)", Map.of()));
        }
        System.out.printf("%s; %d cores; load average %s%n", Instant.now(), Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).strip());

        Box box = Box.prepare(work, site);
        List<Run> nginx = new ArrayList<>();
        List<Run> inProcess = new ArrayList<>();
        List<List<Run>> boxes = new ArrayList<>();
        configs.forEach(c -> boxes.add(new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            nginx.add(nginx(work, site, lua, seconds, connections));
            inProcess.add(inProcess(box, lua, seconds, connections));
            StringBuilder ratios = new StringBuilder(String.format("in process %.2f", inProcess.get(r).rps() / nginx.get(r).rps()));
            System.out.println("round " + (r + 1) + ": " + nginx.get(r) + "\n         " + inProcess.get(r));
            for (int c = 0; c < configs.size(); c++) {
                Map<String, String> env = new java.util.HashMap<>(configs.get(c).env());
                Path d = env.containsKey("DIST") ? Path.of(env.remove("DIST")) : dist;
                Run w = wholeProcess(work, d, box, lua, seconds, connections, env, configs.get(c).label());
                boxes.get(c).add(w);
                System.out.println("         " + w);
                ratios.append(String.format(", %s %.2f", configs.get(c).label(), w.rps() / nginx.get(r).rps()));
            }
            System.out.println("         vs nginx: " + ratios + "; load average " + Files.readString(Path.of("/proc/loadavg")).strip());
        }
        System.out.println();
        System.out.println("| server | requests/s | MB/s | p50 ms | p90 ms | p99 ms | errors | vs nginx | median of per-round ratios | CPU µs/request (median) | nginx's CPU/request ÷ this |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Run n = median(nginx);
        List<List<Run>> all = new ArrayList<>(List.of(nginx, inProcess));
        all.addAll(boxes);
        for (List<Run> runs : all) {
            Run x = median(runs);
            // on a shared machine the load changes between rounds: the ratio within a round (servers run back to back) is steadier
            double cpu = medianCpu(runs);
            System.out.printf("| %s | %,.0f | %.1f | %.2f | %.2f | %.2f | %d | %.2f× | %.2f | %.1f | %.2f |%n", x.what(), x.rps(), x.mbps(), x.p50ms(), x.p90ms(),
                    x.p99ms(), x.errors(), x.rps() / n.rps(), medianRatio(runs, nginx), cpu, medianCpu(nginx) / cpu);
        }
    }

    private static double medianRatio(List<Run> runs, List<Run> baseline) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            r.add(runs.get(i).rps() / baseline.get(i).rps());
        }
        r.sort(null);
        return r.get(r.size() / 2);
    }

    private static double medianCpu(List<Run> runs) {
        List<Double> c = new ArrayList<>();
        runs.forEach(r -> c.add(r.cpuUsPerRequest()));
        c.sort(null);
        return c.get(c.size() / 2);
    }

    private static Run median(List<Run> runs) {
        List<Run> s = new ArrayList<>(runs);
        s.sort(java.util.Comparator.comparingDouble(Run::rps));
        return s.get(s.size() / 2);
    }

    // ---- the three servers --------------------------------------------------------------------

    private static Run nginx(Path work, Path site, Path lua, int seconds, int connections) throws Exception {
        int port = freePort();
        Path conf = work.resolve("nginx.conf");
        Path nginxDir = Files.createDirectories(work.resolve("nginx"));
        Files.writeString(conf, """
                worker_processes auto;
                pid %s/nginx.pid;
                error_log %s/error.log warn;
                events { worker_connections 1024; }
                http {
                  include /etc/nginx/mime.types;
                  access_log off;
                  sendfile on;
                  tcp_nopush on;
                  keepalive_requests 100000;
                  client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s; uwsgi_temp_path %s; scgi_temp_path %s;
                  server { listen 127.0.0.1:%d; server_name %s; root %s; }
                }
                """.formatted(nginxDir, nginxDir, nginxDir, nginxDir, nginxDir, nginxDir, nginxDir, port, SITE, site));
        Process p = new ProcessBuilder("nginx", "-c", conf.toString(), "-g", "daemon off;").redirectErrorStream(true)
                .redirectOutput(work.resolve("nginx.out").toFile()).start();
        try {
            awaitPort(port);
            return wrk("nginx 1.22", port, lua, seconds, connections, () -> p.descendants().mapToLong(PortalServeBench::cpuNs).sum() + cpuNs(p.toHandle()));
        } finally {
            stop(p);
        }
    }

    private static Run inProcess(Box box, Path lua, int seconds, int connections) throws Exception {
        VerifiedBlobs blobs = new VerifiedBlobs(box.store);
        ServedSites served = new ServedSites("", UNIT);
        try (SnapshotSync sync = box.sync(blobs, served)) {
            sync.restore();
        }
        NoticeBoard notices = new NoticeBoard(box.state.resolve("notices"), served, UNIT, Optional::empty, NOTHING, 20, Clock.systemUTC());
        // the box's Metatype defaults: 32 threads, 4,096 files kept mapped
        PortalServer server = new PortalServer(new PortalServer.Settings("127.0.0.1", 0, "127.0.0.1", -1, 0, 32, 4096, false),
                box.store, blobs, served, notices, (s, f) -> System.err.println("tampered? " + f.path()), NO_ADMIN, "x", Clock.systemUTC());
        server.start();
        try {
            return wrk("box server in process", server.httpPort(), lua, seconds, connections,
                    ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())::getProcessCpuTime);
        } finally {
            server.close();
        }
    }

    /** Idle resident memory as {@code bench/footprint/run.sh} reads it: seconds idle, then samples a second apart. */
    static final int IDLE_S = 20;
    static final int RSS_SAMPLES = 5;

    private static Run wholeProcess(Path work, Path dist, Box box, Path lua, int seconds, int connections, Map<String, String> env, String what)
            throws Exception {
        int port = freePort();
        Path root = work.resolve("appliance");
        Path config = Files.createDirectories(root.resolve("config"));
        Path data = Files.createDirectories(root.resolve("data"));
        Files.writeString(config.resolve("cn.egov.identity.cfg"), "unit.code = " + UNIT + "\nserial.number = BENCH-1\n");
        // no broker and no manager: the box serves what it has, as during an outage
        Files.writeString(config.resolve("cn.egov.telemetry.cfg"), "broker.url = tcp://127.0.0.1:1\noutbox.path = ${data}/outbox.db\n"
                + "outbox.sync = NORMAL\n");
        Files.writeString(config.resolve("cn.egov.pki.cfg"), "key.store.path = " + box.keyStore + "\ntrust.store.paths = " + work.resolve("trust")
                + "\nest.url = https://127.0.0.1:1\n");
        Files.writeString(config.resolve("cn.egov.isolation.enforce.cfg"), "policy.directory = ${data}/no-policy\nlock.file = ${data}/nft.lock\n");
        Files.writeString(config.resolve("cn.egov.portal.cfg"), "manager.url = https://127.0.0.1:1\nstate.directory = " + box.state
                + "\nhttp.bind = 127.0.0.1\nhttp.port = " + port + "\nhttps.port = -1\nadmin.port = " + freePort() + "\npoll.interval.s = 3600\n"
                + "probe.interval.s = 3600\n");
        Path out = root.resolve("box.out");
        ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/appliance").toString(), "run", "--config", config.toString(), "--data", data.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("APPLIANCE_JAVA_OPTS", "");
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            awaitPort(port);
            for (int i = 0; i < 600 && !Files.readString(out).contains("portal: serving"); i++) {
                Thread.sleep(100);
            }
            Path statusFile = Path.of("/proc", Long.toString(p.pid()), "status");
            Thread.sleep(3000);
            String early = procField(Files.readString(statusFile), "VmRSS");
            Thread.sleep((IDLE_S - 3) * 1000L);
            List<Long> idle = new ArrayList<>();
            for (int i = 0; i < RSS_SAMPLES; i++) {
                idle.add(Long.parseLong(procField(Files.readString(statusFile), "VmRSS").replace(" MB", "")));
                Thread.sleep(1000);
            }
            idle.sort(null);
            Run r = wrk(what, port, lua, seconds, connections, () -> cpuNs(p.toHandle()));
            // the footprint budget is the box's idle resident memory: report it after the load too, and its peak
            String status = Files.readString(statusFile);
            System.out.printf("         %s: RSS 3 s after serving %s, idle %d MB, after load %s, peak %s%n", what, early, idle.get(RSS_SAMPLES / 2),
                    procField(status, "VmRSS"), procField(status, "VmHWM"));
            return r;
        } finally {
            stop(p);
        }
    }

    /** CPU time (user + system) a process has used, from /proc/PID/stat. */
    static long cpuNs(ProcessHandle h) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * (1_000_000_000L / CLOCK_TICKS);
        } catch (IOException e) {
            return 0;
        }
    }

    private static final long CLOCK_TICKS = 100; // USER_HZ: 100 on Linux x86-64

    private static String procField(String status, String field) {
        Matcher m = Pattern.compile(field + ":\\s+(\\d+) kB").matcher(status);
        return m.find() ? (Long.parseLong(m.group(1)) / 1024) + " MB" : "?";
    }

    // ---- wrk ------------------------------------------------------------------------------------

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TRANSFER = Pattern.compile("Transfer/sec:\\s+([0-9.]+)([KMG]?B)");
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses: (\\d+)|Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");

    static Run wrk(String what, int port, Path lua, int seconds, int connections, java.util.function.LongSupplier cpuNs) throws Exception {
        String url = "http://127.0.0.1:" + port + "/";
        run("wrk", "-t2", "-c" + connections, "-d5s", "-s", lua.toString(), url); // warm-up: JIT, caches
        long cpu0 = cpuNs.getAsLong();
        String out = run("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency", "-s", lua.toString(), url);
        long cpu = cpuNs.getAsLong() - cpu0;
        Matcher rq = REQUESTS.matcher(out);
        double cpuUs = rq.find() ? cpu / 1000.0 / Long.parseLong(rq.group(1)) : -1;
        Matcher m = RPS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("wrk said:\n" + out);
        }
        double rps = Double.parseDouble(m.group(1));
        Matcher t = TRANSFER.matcher(out);
        double mbps = 0;
        if (t.find()) {
            double v = Double.parseDouble(t.group(1));
            mbps = switch (t.group(2)) {
                case "GB" -> v * 1024;
                case "KB" -> v / 1024;
                case "B" -> v / 1024 / 1024;
                default -> v;
            };
        }
        long errors = 0;
        Matcher e = ERRORS.matcher(out);
        while (e.find()) {
            for (int g = 1; g <= e.groupCount(); g++) {
                if (e.group(g) != null) {
                    errors += Long.parseLong(e.group(g));
                }
            }
        }
        return new Run(what, rps, percentile(out, "50%"), percentile(out, "90%"), percentile(out, "99%"), mbps, errors, cpuUs);
    }

    private static double percentile(String out, String which) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(which) + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
        if (!m.find()) {
            return -1;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    // ---- the box's state: a signed snapshot of the site, mirrored as the box would --------------

    /** A CA, a box key store and the box's state directory holding the site as a verified snapshot. */
    static final class Box {
        final ProvincialCa ca;
        final Path keyStore;
        final Path state;
        final MirrorStore store;
        final BoxCredentials credentials;

        private Box(ProvincialCa ca, Path keyStore, Path state, MirrorStore store, BoxCredentials credentials) {
            this.ca = ca;
            this.keyStore = keyStore;
            this.state = state;
            this.store = store;
            this.credentials = credentials;
        }

        static Box prepare(Path work, Path site) throws Exception {
            ProvincialCa ca = ProvincialCa.create(work.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
            KeyPair signer = KeyPairs.p256();
            List<X509Certificate> chain = List.of(ca.issuePortalSigning(signer.getPublic(), "bench"), ca.issuingCertificate());
            KeyPair boxKey = KeyPairs.p256();
            BoxCredentials creds = new BoxCredentials(boxKey.getPrivate(), List.of(ca.issueBox(boxKey.getPublic(), UNIT, "jyj.jingxiu.gov.cn"),
                    ca.issuingCertificate()), List.of(ca.issuingCertificate(), ca.rootCertificate()));
            Path keyStore = Files.createDirectories(work.resolve("pki")).resolve("box.p12");
            new BoxKeyStore(keyStore, new char[0]).save(creds);
            cn.egov.manager.ca.PemFiles.write(Files.createDirectories(work.resolve("trust")).resolve("root.pem"), ca.rootCertificate());
            Map<String, SiteFile> listing = PortalCommand.listing(site);
            Map<String, Path> bySha = new HashMap<>();
            listing.values().forEach(f -> bySha.put(f.sha256(), site.resolve(f.path())));
            SiteNode node = new SiteNode(SITE, "1306", "", SiteNode.defaultMirrors("1306"));
            PortalManifest m = new PortalManifest(node, 1, Instant.now(), Instant.now().plus(Duration.ofDays(30)), "'self'", List.of(node),
                    List.of(), new ArrayList<>(listing.values()));
            byte[] envelope = SignedSnapshot.sign(m, signer.getPrivate(), chain).encode();
            Path state = work.resolve("state");
            MirrorStore store = new MirrorStore(state);
            Box box = new Box(ca, keyStore, state, store, creds);
            ManagerClient local = new ManagerClient() {
                @Override
                public byte[] index() {
                    return new PortalIndex(List.of(new PortalIndex.Entry(SITE, 1, sha(envelope)))).encode();
                }

                @Override
                public byte[] snapshot(String s, int max) {
                    return envelope;
                }

                @Override
                public InputStream blob(String sha) throws IOException {
                    Path p = bySha.get(sha);
                    if (p == null) {
                        throw new FileNotFoundException(sha);
                    }
                    return Files.newInputStream(p);
                }
            };
            try (SnapshotSync sync = box.sync(new VerifiedBlobs(store), new ServedSites("", UNIT))) {
                List<SyncOutcome> o = sync.syncAll(local);
                if (o.get(0).status() != SyncOutcome.Status.ACCEPTED) {
                    throw new IllegalStateException(o.toString());
                }
            }
            return box;
        }

        SnapshotSync sync(VerifiedBlobs blobs, ServedSites served) {
            return new SnapshotSync(store, blobs, served, () -> new SnapshotVerifier(List.of(ca.rootCertificate()), Clock.systemUTC()),
                    SignerRevocation.NONE, UNIT, new SnapshotSync.Limits(64L << 20, SignedSnapshot.MAX_BYTES, 0, 3, 4, EnumSet.allOf(SiteNode.Level.class)), NOTHING,
                    Clock.systemUTC());
        }
    }

    static final TelemetryPublisher NOTHING = new TelemetryPublisher() {
        @Override
        public void publish(String appId, String resource, KuraPayload payload, int priority) {
        }
    };

    private static final PortalAdmin NO_ADMIN = new PortalAdmin() {
        @Override
        public Map<String, Object> status() {
            return Map.of();
        }

        @Override
        public cn.egov.api.portal.EmergencyNotice notice(String site, String title, String body) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SyncOutcome rollback(String site, long version) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<SyncOutcome> syncNow() {
            return List.of();
        }
    };

    static String sha(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- processes -----------------------------------------------------------------------------

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void awaitPort(int port) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nothing listens on port " + port);
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    static InputStream bytes(byte[] b) {
        return new ByteArrayInputStream(b);
    }
}
