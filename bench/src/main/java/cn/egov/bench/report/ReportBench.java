package cn.egov.bench.report;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.AddressPlanMetrics;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.evidence.EvidenceStore;
import cn.egov.manager.evidence.MoreWire;
import cn.egov.manager.evidence.Period;
import cn.egov.manager.evidence.Scope;
import cn.egov.manager.evidence.UnitDirectory;
import cn.egov.manager.export.CjkFont;
import cn.egov.manager.export.DocumentSigner;
import cn.egov.manager.fleet.BoxStore;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.ingest.IngestRecord;
import cn.egov.manager.ingest.InboundMessage;
import cn.egov.manager.ingest.MessageDecoder;
import cn.egov.manager.ingest.SqlBatchStore;
import cn.egov.manager.report.AuditReport;
import cn.egov.manager.report.ExportedReport;
import cn.egov.manager.report.ReportBuilder;
import cn.egov.manager.report.ReportCsv;
import cn.egov.manager.report.ReportPart;
import cn.egov.manager.report.ReportPdf;
import cn.egov.manager.report.RevocationCheck;
import cn.egov.manager.store.Database;
import cn.egov.manager.taskbook.Taskbook;
import cn.egov.manager.taskbook.TaskbookBuilder;
import cn.egov.manager.taskbook.TaskbookStore;
import cn.egov.rules.plan.Divisions;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Load driver: the province-wide auditor's report (and the task book) over a store of many units.
 *
 * <pre>
 * java -cp ... cn.egov.bench.report.ReportBench fill DIR [units]     # a store as ingestion writes it (decoder + batch store)
 * java -cp ... cn.egov.bench.report.ReportBench inproc DIR            # build, CSV, PDF (render + sign), each 3 times: median, peak heap
 * java -cp ... cn.egov.bench.report.ReportBench export DIR OUT.pdf    # one whole export in a fresh JVM (time it with /usr/bin/time -v)
 * java -cp ... cn.egov.bench.report.ReportBench scan DIR              # same-run baseline: read the rows the report reads, judge nothing
 * </pre>
 *
 * The store holds {@value #DAYS} days (November 2026) of what each unit's box sends once a day
 * (health, policy state, VPN, portal probe), weekly address-plan checks, a certificate report, and
 * alarms for a share of the units (violations, drift, routes), duty rosters and reports.
 */
public final class ReportBench {

    static final int DAYS = 30;
    static final Period PERIOD = new Period(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30));
    private static final int BATCH = 2_000;
    private static final MessageDecoder DECODER = new MessageDecoder("hebei", 1 << 20);
    /** Keeps the fetched text observable. */
    static volatile long sink;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ReportBench fill|inproc|export|scan DIR [units|OUT.pdf]");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "fill" -> fill(dir, args.length > 2 ? Integer.parseInt(args[2]) : 10_000);
            case "inproc" -> inproc(dir);
            case "export" -> export(dir, Path.of(args[2]));
            case "scan" -> scan(dir);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    static Database open(Path dir) throws Exception {
        return Database.open("jdbc:sqlite:" + dir.resolve("manager.db"));
    }

    static List<String> units(int n) {
        List<String> counties = Divisions.hebei().all().stream().map(Divisions.Division::code).filter(c -> c.length() == 6 && !c.endsWith("00")).toList();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; out.size() < n; i++) {
            out.add(counties.get(i % counties.size()) + "-" + String.format(Locale.ROOT, "%03d", 1 + i / counties.size()));
        }
        return out;
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

    static void fill(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        Database db = open(dir);
        db.migrate("report", new ReportPart(null, Optional::empty).migrations());
        db.migrate(cn.egov.manager.duty.DutyPart.NAME, new cn.egov.manager.duty.DutyPart().migrations()); // the rosters it writes
        new TaskbookStore(db);
        Writer w = new Writer(new SqlBatchStore(db, new FleetRegistry(PlaceNames.HEBEI, 3, 60)));
        Random random = new Random(42);
        long day = 86_400_000L;
        long start = PERIOD.start();
        List<String> units = units(n);
        for (String u : units) {
            w.add(KuraTopic.birth("hebei", u).toString(), KuraPayload.builder().timestamp(start - 30 * day).metric(BoxMetrics.UNIT_CODE, u)
                    .metric(BoxMetrics.DISPLAY_NAME, "单位 " + u).metric(BoxMetrics.HEALTH_INTERVAL_S, 60), start - 30 * day);
        }
        for (int d = 0; d < DAYS; d++) {
            for (int i = 0; i < units.size(); i++) {
                String u = units.get(i);
                long t = start + d * day + (i % 86_000) * 1000L;
                w.add(KuraTopic.telemetry("hebei", u, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE).toString(),
                        KuraPayload.builder().timestamp(t).metric(BoxMetrics.CPU_LOAD, random.nextDouble()), t);
                boolean drift = i % 33 == 0 && d >= 20;
                if (i % 50 != 7) {
                    w.add(KuraTopic.telemetry("hebei", u, BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE).toString(), KuraPayload.builder()
                            .timestamp(t).metric(BoxMetrics.POLICY_STATE, drift ? "DRIFT" : "IN_FORCE").metric(BoxMetrics.POLICY_NAME, "baseline")
                            .metric(BoxMetrics.POLICY_VERSION, "2026.3").metric(BoxMetrics.POLICY_SHA256, "ab".repeat(32))
                            .metric(BoxMetrics.POLICY_DRIFT, drift).metric(BoxMetrics.POLICY_VERIFIED_AT, t)
                            .metric(BoxMetrics.ROUTE_STATE, i % 100 == 3 ? "FINDINGS" : "NO_ROUTE").metric(BoxMetrics.ROUTE_CHECKED_AT, t)
                            .metric(BoxMetrics.ROUTE_FINDINGS, i % 100 == 3 ? 2L : 0L), t);
                }
                w.add(KuraTopic.telemetry("hebei", u, BoxMetrics.VPN_APP, BoxMetrics.VPN_RESOURCE).toString(), KuraPayload.builder().timestamp(t)
                        .metric(MoreWire.VPN_STATE, i % 40 == 1 ? "DOWN" : "UP"), t);
                w.add(KuraTopic.telemetry("hebei", u, PortalMetrics.APP, PortalMetrics.PROBE_RESOURCE).toString(), KuraPayload.builder().timestamp(t)
                        .metric(PortalMetrics.SITE, "www." + u.substring(0, 6) + ".gov.cn").metric(PortalMetrics.REACHABLE, !(i % 20 == 5 && d == 10))
                        .metric(PortalMetrics.HTTP_STATUS, 200L).metric(PortalMetrics.STALE, false), t);
                if (d % 7 == 0) {
                    boolean conforms = i % 10 != 4;
                    w.add(KuraTopic.telemetry("hebei", u, AddressPlanMetrics.APP, AddressPlanMetrics.CHECK_RESOURCE).toString(), KuraPayload.builder()
                            .timestamp(t).metric(AddressPlanMetrics.CHECK_ID, t).metric(AddressPlanMetrics.CONFORMS, conforms)
                            .metric(AddressPlanMetrics.ITEMS_CHECKED, 20L).metric(AddressPlanMetrics.FINDINGS, conforms ? 0L : 2L), t);
                    if (!conforms) {
                        for (int f = 0; f < 2; f++) {
                            w.add(KuraTopic.telemetry("hebei", u, AddressPlanMetrics.APP, AddressPlanMetrics.FINDING_RESOURCE).toString(),
                                    KuraPayload.builder().timestamp(t).metric(AddressPlanMetrics.CHECK_ID, t).metric(AddressPlanMetrics.KIND, "INTERFACE_ADDRESS")
                                            .metric(AddressPlanMetrics.SUBJECT, "eth" + f).metric(AddressPlanMetrics.OBSERVED, "192.168." + f + ".1/24")
                                            .metric(AddressPlanMetrics.EXPECTED, "10.6.8.0/24"), t + 1);
                        }
                    }
                }
                if (d == 0) {
                    w.add(KuraTopic.telemetry("hebei", u, MoreWire.PKI_APP, MoreWire.CERTIFICATE_RESOURCE).toString(), KuraPayload.builder().timestamp(t)
                            .metric(MoreWire.CERT_ENROLLED, true).metric(MoreWire.CERT_SERIAL, Integer.toHexString(0x1000 + i).toUpperCase(Locale.ROOT))
                            .metric(MoreWire.CERT_ISSUER, "CN=Hebei Issuing CA").metric(MoreWire.CERT_NOT_AFTER, start + (i % 50 == 9 ? 20 : 400) * day), t);
                }
                if (i % 10 == 2 && d % 6 == 0) {
                    alarm(w, u, new Alarm("isolation.outbound", Alarm.Severity.CRITICAL, "isolation", "违规外联: 10.6.8." + (d + 10) + " reached 8.8.8.8",
                            Map.of("interface", "eth1", "src", "10.6.8." + (d + 10), "dst", "8.8.8.8", "dport", "443", "rule", "never internal-internet"), t), t);
                }
                if (drift && d == 20) {
                    alarm(w, u, new Alarm("isolation.policy.drift", Alarm.Severity.CRITICAL, "isolation", "the live table differs from the policy",
                            Map.of("differences", "- rule never internal-internet\n+ accept"), t), t);
                }
            }
            w.flush();
        }
        w.flush();
        try (Connection c = db.connect(); PreparedStatement roster = c.prepareStatement("INSERT INTO duty_rosters (unit, version, published_at,"
                + " received_at, payload) VALUES (?, 1, ?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < units.size(); i++) {
                if (i % 5 != 0) {
                    roster.setString(1, units.get(i));
                    roster.setLong(2, start - day);
                    roster.setLong(3, start - day);
                    roster.setBytes(4, new byte[]{1});
                    roster.addBatch();
                }
            }
            roster.executeBatch();
            c.commit();
        }
        System.out.printf(Locale.ROOT, "filled %s: %,d units, %,d messages through the decoder and batch store in %.1f s (%,d bytes)%n", dir, n,
                w.messages, (System.nanoTime() - t0) / 1e9, Files.size(dir.resolve("manager.db")));
    }

    private static void alarm(Writer w, String u, Alarm a, long t) throws Exception {
        KuraPayload p = a.toPayload();
        KuraPayload.Builder b = KuraPayload.builder().timestamp(t);
        p.metrics().forEach(b::metric);
        w.add(KuraTopic.telemetry("hebei", u, Alarm.APP_ID, a.kind()).toString(), b, t);
    }

    // ---- in-process ---------------------------------------------------------------------------------------------------

    static ReportBuilder builder(Database db) throws Exception {
        FleetRegistry fleet = new FleetRegistry(PlaceNames.HEBEI, 3, 60);
        try (Connection c = db.connect()) {
            fleet.load(BoxStore.loadAll(c, PlaceNames.HEBEI), System.currentTimeMillis());
        }
        return new ReportBuilder(new EvidenceStore(db), new UnitDirectory(Optional::empty, fleet, PlaceNames.HEBEI), PlaceNames.HEBEI,
                RevocationCheck.NONE, 50);
    }

    interface Step {
        Object run() throws Exception;
    }

    /** Median wall time of 3 runs (after one warm-up) and the peak heap used during them. */
    static Object measure(String what, Step step) throws Exception {
        step.run();
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long[] ms = new long[3];
        Object last = null;
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            last = step.run();
            ms[i] = (System.nanoTime() - t) / 1_000_000;
        }
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "%-58s median %6d ms (runs %s), peak heap %5d MiB%n", what, ms[1], Arrays.toString(ms), peak >> 20);
        return last;
    }

    static void inproc(Path dir) throws Exception {
        Database db = open(dir);
        ReportBuilder builder = builder(db);
        Path caDir = Files.createTempDirectory("report-bench-ca");
        try (ProvincialCa ca = ProvincialCa.create(caDir.resolve("ca"), "bench".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
            DocumentSigner signer = DocumentSigner.issue(ca);
            CjkFont font = CjkFont.at(Path.of(CjkFont.DEFAULT_PATH), "report.font");
            measure("baseline: read the rows the report reads (no judging)", () -> scanRows(db));
            AuditReport r = (AuditReport) measure("build the province-wide report (store -> verdicts)", () -> builder.build(new Scope("13"), u -> true, PERIOD));
            ExportedReport x = ExportedReport.of(r, System.currentTimeMillis(), "bench (auditor)");
            measure("evidence JSON + SHA-256", () -> cn.egov.manager.export.EvidenceDigest.of(r));
            byte[] csv = (byte[]) measure("CSV render", () -> ReportCsv.render(x));
            byte[] pdf = (byte[]) measure("PDF render + sign (PAdES)", () -> ReportPdf.render(x, font, signer));
            TaskbookBuilder tb = new TaskbookBuilder(new EvidenceStore(db), new UnitDirectory(Optional::empty, fleetOf(db), PlaceNames.HEBEI),
                    new TaskbookStore(db));
            Taskbook book = (Taskbook) measure("task book of 2026, province-wide", () -> tb.build(2026, new Scope("13"), u -> true, PERIOD.end()));
            int pages;
            try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
                pages = doc.getNumberOfPages();
            }
            System.out.printf(Locale.ROOT, "units %,d; overall %s; CSV %,d bytes; PDF %,d bytes, %,d pages; task book %,d units, %d%% done%n",
                    r.units().size(), r.overall(), csv.length, pdf.length, pages, book.units().size(), book.total("").percent());
        } finally {
            try (var s = Files.walk(caDir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static FleetRegistry fleetOf(Database db) throws Exception {
        FleetRegistry fleet = new FleetRegistry(PlaceNames.HEBEI, 3, 60);
        try (Connection c = db.connect()) {
            fleet.load(BoxStore.loadAll(c, PlaceNames.HEBEI), System.currentTimeMillis());
        }
        return fleet;
    }

    /** The floor: the same rows fetched with their JSON text, nothing parsed or judged. */
    static Long scanRows(Database db) throws Exception {
        long rows = 0;
        long chars = 0;
        try (Connection c = db.connect()) {
            for (String sql : List.of(
                    "SELECT client_id, metrics_json FROM telemetry WHERE app_id = 'ADDRESSPLAN' AND received >= ? AND received < ?",
                    "SELECT client_id, metrics_json FROM telemetry WHERE app_id = 'PORTAL' AND resource = 'probe' AND received >= ? AND received < ?",
                    "SELECT client_id, metrics_json FROM telemetry WHERE app_id = 'EXCHANGE' AND received >= ? AND received < ?",
                    "SELECT client_id, evidence_json FROM alarms WHERE received >= ? AND received < ?",
                    "SELECT client_id, COUNT(*) FROM health_samples WHERE received >= ? AND received < ? GROUP BY client_id")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, PERIOD.start());
                    ps.setLong(2, PERIOD.end());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows++;
                            String s = rs.getString(2);
                            chars += s == null ? 0 : s.length();
                        }
                    }
                }
            }
            for (String[] latest : new String[][]{{"ISOLATION", "policy"}, {"ADDRESSPLAN", "check"}, {"PKI", "certificate"}}) {
                try (PreparedStatement ps = c.prepareStatement("SELECT client_id, MAX(received) FROM telemetry WHERE app_id = ? AND resource = ?"
                        + " AND received < ? GROUP BY client_id")) {
                    ps.setString(1, latest[0]);
                    ps.setString(2, latest[1]);
                    ps.setLong(3, PERIOD.end());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows++;
                        }
                    }
                }
            }
        }
        sink = chars;
        return rows;
    }

    static void scan(Path dir) throws Exception {
        long t = System.nanoTime();
        long rows = scanRows(open(dir));
        System.out.printf(Locale.ROOT, "scan: %,d rows in %d ms%n", rows, (System.nanoTime() - t) / 1_000_000);
    }

    // ---- whole process: one export --------------------------------------------------------------------------------------

    static void export(Path dir, Path out) throws Exception {
        long t = System.nanoTime();
        Database db = open(dir);
        AuditReport r = builder(db).build(new Scope("13"), u -> true, PERIOD);
        Path caDir = Files.createTempDirectory("report-bench-ca");
        try (ProvincialCa ca = ProvincialCa.create(caDir.resolve("ca"), "bench".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
            byte[] pdf = ReportPdf.render(ExportedReport.of(r, System.currentTimeMillis(), "bench (auditor)"),
                    CjkFont.at(Path.of(CjkFont.DEFAULT_PATH), "report.font"), DocumentSigner.issue(ca));
            Files.write(out, pdf);
            System.out.printf(Locale.ROOT, "export: %,d units, %,d bytes in %d ms (in the process)%n", r.units().size(), pdf.length,
                    (System.nanoTime() - t) / 1_000_000);
        } finally {
            try (var s = Files.walk(caDir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
