package cn.egov.bench.noc;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.AddressPlanMetrics;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.ingest.InboundMessage;
import cn.egov.manager.ingest.IngestRecord;
import cn.egov.manager.ingest.MessageDecoder;
import cn.egov.manager.ingest.SqlBatchStore;
import cn.egov.manager.noc.store.SeriesStore;
import cn.egov.manager.store.Database;
import cn.egov.rules.plan.Divisions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Load driver: the NOC's pages at province scale (issue 12, "what must be shown": the overview and
 * one unit page with 10,000 boxes and 1,000,000 stored health samples, server-side render time and
 * page size, target under 300 ms).
 *
 * <pre>
 * java -cp ... cn.egov.bench.noc.NocPageBench fill DIR [boxes] [samples-per-box] [open-alarms]
 * java -cp ... cn.egov.bench.noc.NocPageBench pages DIR [warm-runs]
 * </pre>
 *
 * {@code fill} writes the store as production does: every message (BIRTH, health once a minute,
 * tunnel, policy, plan check, certificate and portal probe reports, alarms) through the manager's
 * decoder and batch store into {@code DIR/manager.db} (SQLite); then it starts the manager once over
 * that store, whose NOC part replays the stored health messages into {@code noc_series} with its own
 * {@code Downsampler} (the replay mark was set before the first sample), and stops it.
 *
 * <p>{@code pages} starts the whole manager ({@code ManagerAssembly}: store, broker, ingestion, every
 * part, Jetty) over the filled store and measures, per page, the first request (cold) and then
 * {@code warm-runs} requests each: in the process (Java's HTTP client in the manager's JVM on a kept
 * connection: the route's handler time plus Jetty's, under a millisecond of loopback) and as whole
 * requests by {@code curl -w '%{time_total} %{size_download}'} (a process and a connection each), with
 * the NOC's API token. Baseline in the same run: nginx serving the overview's HTML as a static file.
 */
public final class NocPageBench {

    static final String ACCOUNT = "hebei";
    static final String TOKEN = "noc-bench-token-0123456789";
    static final List<String> METRICS = List.of(BoxMetrics.CPU_LOAD, BoxMetrics.HEAP_USED_BYTES, BoxMetrics.DISK_FREE_BYTES, BoxMetrics.OUTBOX_DEPTH);
    private static final int BATCH = 2_000;
    private static final long MINUTE = 60_000L;
    private static final MessageDecoder DECODER = new MessageDecoder(ACCOUNT, 1 << 20);

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: NocPageBench fill DIR [boxes] [samples-per-box] [open-alarms] | pages DIR [warm-runs]");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "fill" -> fill(dir, arg(args, 2, 10_000), arg(args, 3, 100), arg(args, 4, 2_000));
            case "pages" -> pages(dir, arg(args, 2, 50));
            default -> {
                System.err.println("NocPageBench: unknown mode '" + args[0] + "' (fill or pages)");
                System.exit(2);
            }
        }
    }

    private static int arg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }

    /** Unit codes spread over the province's counties (every county, then the next unit number). */
    static List<String> units(int n) {
        List<String> counties = Divisions.hebei().all().stream().map(Divisions.Division::code)
                .filter(c -> c.length() == 6 && !c.endsWith("00")).toList();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; out.size() < n; i++) {
            out.add(counties.get(i % counties.size()) + "-" + String.format(Locale.ROOT, "%03d", 1 + i / counties.size()));
        }
        return out;
    }

    static ManagerConfig config(Path dir) {
        ManagerConfig c = ManagerConfig.defaults()
                .with(ConfigKey.DATA_DIR, dir)
                .with(ConfigKey.WEB_PORT, 0)
                .with(ConfigKey.BROKER_PORT, 0)
                .with(ConfigKey.AUTH_NOC_TOKEN, TOKEN)
                // the boxes stopped sending when the fill ended; a live province's boxes stay CONNECTED
                .with(ConfigKey.FLEET_MISSING_FACTOR, 100_000);
        Map<String, String> ext = new LinkedHashMap<>(c.extensions());
        ext.put("portal.port", "0");
        return new ManagerConfig(c.source(), c.values(), ext);
    }

    // ---- fill: as ingestion writes it -------------------------------------------------------------------------------

    private static final class Writer {
        final SqlBatchStore store;
        final List<IngestRecord> batch = new ArrayList<>(BATCH);
        long seq;
        long messages;

        Writer(SqlBatchStore store) {
            this.store = store;
        }

        void add(String topic, KuraPayload.Builder p, long received) throws Exception {
            p.metric(MessageId.EPOCH_METRIC, "bench").metric(MessageId.SEQUENCE_METRIC, seq++);
            batch.add(DECODER.decode(new InboundMessage(topic, KuraPayloadCodec.encode(p.build()), (int) seq, 1, received)));
            messages++;
            if (batch.size() == BATCH) {
                flush();
            }
        }

        void flush() throws Exception {
            if (!batch.isEmpty()) {
                store.store(List.copyOf(batch));
                batch.clear();
            }
        }
    }

    static void fill(Path dir, int boxes, int perBox, int openAlarms) throws Exception {
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        List<String> units = units(boxes);
        Random random = new Random(12);
        // the samples end a minute before now: the 6-hour graph of the unit page shows all of them
        long start = (System.currentTimeMillis() / MINUTE - perBox - 1) * MINUTE;
        Database db = Database.open(config(dir).jdbcUrl());
        new SeriesStore(db).startMark(start - 1); // the part's first start replays every health message of the fill
        Writer w = new Writer(new SqlBatchStore(db, new FleetRegistry(PlaceNames.HEBEI, 3, 60)));
        for (int i = 0; i < units.size(); i++) {
            String u = units.get(i);
            long t = start - 1_000 + i % 1_000;
            w.add(KuraTopic.birth(ACCOUNT, u).toString(), KuraPayload.builder().timestamp(t).metric(BoxMetrics.UNIT_CODE, u)
                    .metric(BoxMetrics.DISPLAY_NAME, "单位 " + u).metric(BoxMetrics.HEALTH_INTERVAL_S, 60)
                    .metric(BoxMetrics.FIRMWARE_VERSION, "1.4." + (i % 3)), t);
        }
        for (int m = 0; m < perBox; m++) {
            for (int i = 0; i < units.size(); i++) {
                String u = units.get(i);
                long t = start + m * MINUTE + (long) i * MINUTE / units.size();
                w.add(KuraTopic.telemetry(ACCOUNT, u, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE).toString(), KuraPayload.builder()
                        .timestamp(t).metric(BoxMetrics.CPU_LOAD, 0.2 + random.nextDouble())
                        .metric(BoxMetrics.HEAP_USED_BYTES, 40_000_000L + random.nextInt(20_000_000)).metric(BoxMetrics.HEAP_MAX_BYTES, 256_000_000L)
                        .metric(BoxMetrics.DISK_FREE_BYTES, 8_000_000_000L - m * 1_000_000L).metric(BoxMetrics.OUTBOX_DEPTH, (long) random.nextInt(5)), t);
                if (m == perBox / 2) {
                    reports(w, u, i, t);
                }
            }
            w.flush();
        }
        // open alarms on a share of the units, the newest a minute before the end; as many CLEARED pairs for history
        long end = start + perBox * MINUTE;
        for (int a = 0; a < openAlarms; a++) {
            String u = units.get((a * 7) % units.size());
            long t = end - MINUTE + a;
            Alarm alarm = switch (a % 4) {
                case 0 -> new Alarm("isolation.outbound", Alarm.Severity.CRITICAL, "isolation", "违规外联: 10.6.8." + (a % 250) + " reached 8.8.8.8",
                        Map.of("interface", "eth1", "src", "10.6.8." + (a % 250), "dst", "8.8.8.8", "dport", "443"), t);
                case 1 -> new Alarm("vpn.down", Alarm.Severity.MAJOR, "vpn", "tunnel down: no answer from the hub", Map.of("hub", "hub.hebei"), t);
                case 2 -> new Alarm("outbox.eviction", Alarm.Severity.WARNING, "telemetry", "the outbox evicts", Map.of("evicted", "12"), t);
                default -> new Alarm("portal.stale", Alarm.Severity.MINOR, "portal", "the mirror is older than a day", Map.of("site", "www.gov.cn"), t);
            };
            alarm(w, u, alarm, t);
            String v = units.get((a * 11 + 3) % units.size());
            alarm(w, v, new Alarm("vpn.down", Alarm.Severity.MAJOR, "vpn", "tunnel down", Map.of(), t - 30 * MINUTE), t - 30 * MINUTE);
            alarm(w, v, new Alarm("vpn.down", Alarm.Severity.CLEARED, "vpn", "tunnel up again", Map.of(), t - 20 * MINUTE), t - 20 * MINUTE);
        }
        w.flush();
        long stored = System.nanoTime();
        System.out.printf(Locale.ROOT, "stored %,d messages (%,d boxes, %,d health each, %,d open alarms) through the decoder and batch store in %.1f s%n",
                w.messages, boxes, perBox, openAlarms, (stored - t0) / 1e9);
        try (ManagerAssembly m = ManagerAssembly.start(config(dir), ManagerAssembly.Options.defaults())) {
            System.out.printf(Locale.ROOT, "manager started over it: the NOC part replayed %s health samples into noc_series in %.1f s%n",
                    m.meters().snapshot().get("noc.series.samples"), (System.nanoTime() - stored) / 1e9);
        }
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String q : List.of("SELECT COUNT(*) FROM health_samples", "SELECT COUNT(*) FROM noc_series", "SELECT COUNT(*) FROM alarms",
                    "SELECT COUNT(*) FROM boxes")) {
                try (ResultSet rs = s.executeQuery(q)) {
                    rs.next();
                    System.out.printf(Locale.ROOT, "  %-40s %,d%n", q, rs.getLong(1));
                }
            }
        }
        System.out.printf(Locale.ROOT, "filled %s in %.1f s (%,d bytes)%n", dir, (System.nanoTime() - t0) / 1e9, Files.size(dir.resolve("manager.db")));
    }

    /** Each unit's reports behind the indicators, as its box sends them. */
    private static void reports(Writer w, String u, int i, long t) throws Exception {
        w.add(KuraTopic.telemetry(ACCOUNT, u, BoxMetrics.VPN_APP, BoxMetrics.VPN_RESOURCE).toString(), KuraPayload.builder().timestamp(t)
                .metric("state", i % 40 == 1 ? "DOWN" : "UP").metric("hub", "hub.hebei"), t);
        boolean drift = i % 33 == 0;
        w.add(KuraTopic.telemetry(ACCOUNT, u, BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE).toString(), KuraPayload.builder()
                .timestamp(t).metric(BoxMetrics.POLICY_STATE, drift ? "DRIFT" : "IN_FORCE").metric(BoxMetrics.POLICY_NAME, "baseline")
                .metric(BoxMetrics.POLICY_VERSION, "2026.3").metric(BoxMetrics.POLICY_SHA256, "ab".repeat(32))
                .metric(BoxMetrics.POLICY_DRIFT, drift).metric(BoxMetrics.POLICY_VERIFIED_AT, t)
                .metric(BoxMetrics.ROUTE_STATE, i % 100 == 3 ? "FINDINGS" : "NO_ROUTE").metric(BoxMetrics.ROUTE_CHECKED_AT, t)
                .metric(BoxMetrics.ROUTE_FINDINGS, i % 100 == 3 ? 2L : 0L), t);
        boolean conforms = i % 10 != 4;
        w.add(KuraTopic.telemetry(ACCOUNT, u, AddressPlanMetrics.APP, AddressPlanMetrics.CHECK_RESOURCE).toString(), KuraPayload.builder()
                .timestamp(t).metric(AddressPlanMetrics.CHECK_ID, t).metric(AddressPlanMetrics.CONFORMS, conforms)
                .metric(AddressPlanMetrics.ITEMS_CHECKED, 20L).metric(AddressPlanMetrics.FINDINGS, conforms ? 0L : 2L), t);
        w.add(KuraTopic.telemetry(ACCOUNT, u, "PKI", "certificate").toString(), KuraPayload.builder().timestamp(t)
                .metric("enrolled", true).metric("serial", Integer.toHexString(0x1000 + i).toUpperCase(Locale.ROOT))
                .metric("issuer", "CN=Hebei Issuing CA").metric("not_after", t + (i % 50 == 9 ? 20 : 400) * 86_400_000L), t);
        w.add(KuraTopic.telemetry(ACCOUNT, u, PortalMetrics.APP, PortalMetrics.PROBE_RESOURCE).toString(), KuraPayload.builder().timestamp(t)
                .metric(PortalMetrics.SITE, "www." + u.substring(0, 6) + ".gov.cn").metric(PortalMetrics.REACHABLE, i % 20 != 5)
                .metric(PortalMetrics.HTTP_STATUS, 200L).metric(PortalMetrics.STALE, false), t);
    }

    private static void alarm(Writer w, String u, Alarm a, long t) throws Exception {
        KuraPayload p = a.toPayload();
        KuraPayload.Builder b = KuraPayload.builder().timestamp(t);
        p.metrics().forEach(b::metric);
        w.add(KuraTopic.telemetry(ACCOUNT, u, Alarm.APP_ID, a.kind()).toString(), b, t);
    }

    // ---- pages: the manager over the filled store ---------------------------------------------------------------------

    /** One page asked for: a label and its path. */
    record Page(String label, String path) {
    }

    static void pages(Path dir, int warm) throws Exception {
        long t0 = System.nanoTime();
        try (ManagerAssembly m = ManagerAssembly.start(config(dir), ManagerAssembly.Options.defaults())) {
            System.out.printf(Locale.ROOT, "manager started over %s in %.1f s: %s%n", dir, (System.nanoTime() - t0) / 1e9, m.webUrl());
            String unit = units(10_000).get(4_321);
            String county = unit.substring(0, 6);
            List<Page> pages = new ArrayList<>(List.of(
                    new Page("overview /noc", "/noc"),
                    new Page("county drill-down /noc?county=" + county, "/noc?county=" + county),
                    new Page("overview JSON /api/noc/overview?county=" + county, "/api/noc/overview?county=" + county),
                    new Page("unit page /noc/units/" + unit, "/noc/units/" + unit),
                    new Page("unit JSON /api/noc/units/" + unit, "/api/noc/units/" + unit)));
            for (String metric : METRICS) {
                pages.add(new Page("graph data " + metric + " 6 h", "/api/noc/units/" + unit + "/series?metric=" + metric + "&hours=6"));
            }
            pages.add(new Page("graph data cpu_load 30 d (hour buckets)", "/api/noc/units/" + unit + "/series?metric=cpu_load&hours=720"));
            pages.add(new Page("alarm list /noc/alarms", "/noc/alarms"));

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            System.out.printf(Locale.ROOT, "%-62s %8s %8s %8s %8s %10s%n", "page (in process: HTTP client in the manager's JVM)", "cold ms",
                    "median", "p95", "max", "bytes");
            Map<String, byte[]> bodies = new LinkedHashMap<>();
            for (Page p : pages) {
                HttpRequest req = HttpRequest.newBuilder(URI.create(m.webUrl() + p.path())).header("Authorization", "Bearer " + TOKEN).build();
                long t = System.nanoTime();
                HttpResponse<byte[]> first = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                double cold = (System.nanoTime() - t) / 1e6;
                if (first.statusCode() != 200) {
                    throw new IllegalStateException(p.path() + ": HTTP " + first.statusCode() + " " + new String(first.body(), StandardCharsets.UTF_8));
                }
                double[] ms = new double[warm];
                for (int i = 0; i < warm; i++) {
                    t = System.nanoTime();
                    http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                    ms[i] = (System.nanoTime() - t) / 1e6;
                }
                bodies.put(p.path(), first.body());
                print(p.label(), cold, ms, first.body().length);
            }
            System.out.printf(Locale.ROOT, "%-62s %8s %8s %8s %8s %10s%n", "whole request (curl, one process and connection each)", "first",
                    "median", "p95", "max", "bytes");
            for (Page p : pages) {
                curl(p.label(), m.webUrl() + p.path(), warm + 1, true);
            }
            nginx(dir, bodies.get("/noc"), bodies.get("/noc/units/" + unit), warm + 1);
            long units = -1;
            try (Connection c = m.database().connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM noc_series")) {
                rs.next();
                units = rs.getLong(1);
            }
            System.out.printf(Locale.ROOT, "store: %,d boxes in the fleet, %,d noc_series rows, %s%n", m.fleet().list().size(), units,
                    Files.size(dir.resolve("manager.db")) + " bytes");
        }
    }

    private static void print(String label, double first, double[] ms, long bytes) {
        double[] s = ms.clone();
        Arrays.sort(s);
        double median = s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        double p95 = s.length == 0 ? Double.NaN : s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.95) - 1)];
        System.out.printf(Locale.ROOT, "%-62s %8.1f %8.1f %8.1f %8.1f %,10d%n", label, first, median, p95, s.length == 0 ? Double.NaN : s[s.length - 1],
                bytes);
    }

    /** {@code n} curl processes for one URL: the first and the rest (median, p95) of time_total, and size_download. */
    private static void curl(String label, String url, int n, boolean token) throws Exception {
        double first = 0;
        double[] rest = new double[n - 1];
        long size = 0;
        for (int i = 0; i < n; i++) {
            List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{time_total} %{size_download}"));
            if (token) {
                cmd.addAll(List.of("-H", "Authorization: Bearer " + TOKEN));
            }
            cmd.add(url);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.startsWith("200 ")) {
                throw new IllegalStateException("curl " + url + ": " + out);
            }
            String[] f = out.split(" ");
            double ms = Double.parseDouble(f[1]) * 1000;
            size = Long.parseLong(f[2]);
            if (i == 0) {
                first = ms;
            } else {
                rest[i - 1] = ms;
            }
        }
        print(label, first, rest, size);
    }

    /** The same-run baseline: nginx serving the overview's and the unit page's HTML as static files. */
    private static void nginx(Path dir, byte[] overview, byte[] unitPage, int n) throws Exception {
        Path nginx = Path.of("/usr/sbin/nginx");
        if (!Files.isExecutable(nginx)) {
            System.out.println("baseline: no /usr/sbin/nginx here; skipped");
            return;
        }
        Path root = Files.createDirectories(dir.resolve("nginx-baseline"));
        Files.createDirectories(root.resolve("logs"));
        Files.write(root.resolve("overview.html"), overview);
        Files.write(root.resolve("unit.html"), unitPage);
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(root.resolve("nginx.conf"), """
                worker_processes 1;
                error_log %1$s/logs/error.log;
                pid %1$s/logs/nginx.pid;
                events { worker_connections 64; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/logs; proxy_temp_path %1$s/logs; fastcgi_temp_path %1$s/logs;
                  uwsgi_temp_path %1$s/logs; scgi_temp_path %1$s/logs;
                  server { listen 127.0.0.1:%2$d; root %1$s; }
                }
                """.formatted(root.toAbsolutePath(), port));
        Process p = new ProcessBuilder(nginx.toString(), "-p", root.toAbsolutePath().toString(), "-c", root.resolve("nginx.conf").toAbsolutePath().toString(),
                "-g", "daemon off;").redirectErrorStream(true).redirectOutput(root.resolve("logs/stdout").toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 10_000;
            while (true) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    break;
                } catch (java.io.IOException e) {
                    if (System.currentTimeMillis() > deadline || !p.isAlive()) {
                        throw new IllegalStateException("nginx did not start: " + Files.readString(root.resolve("logs/stdout")), e);
                    }
                    Thread.sleep(50);
                }
            }
            curl("baseline: nginx, the overview's HTML as a static file", "http://127.0.0.1:" + port + "/overview.html", n, false);
            curl("baseline: nginx, the unit page's HTML as a static file", "http://127.0.0.1:" + port + "/unit.html", n, false);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
