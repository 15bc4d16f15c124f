package cn.egov.isolation.monitor;

import cn.egov.api.telemetry.AlarmCatalogue;
import cn.egov.api.time.BeijingTime;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prints an {@link AuditReport} as an aligned table for people or as JSON for tools. */
public final class AuditReportWriter {

    /**
     * The capture times in the table: Beijing time to the millisecond, the zone named once in the
     * header (no blank in it, so the columns stay one word each); the JSON keeps ISO UTC instants.
     */
    static final String TIME_COLUMN = "time(UTC+8)";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(BeijingTime.ZONE);
    private static final String[] COLUMNS = {"#", "rule", TIME_COLUMN, "interface", "vlan", "proto", "source", "destination", "mac", "packets"};

    private AuditReportWriter() {
    }

    /**
     * The table. Built by concatenation, not {@code String.format}: ten formats per finding, and the
     * formatter's locale data, were ~0.05 s of a short audit in cold code (bench/RESULTS.md, "start-up").
     */
    public static void table(AuditReport r, PrintWriter out) {
        out.println("capture " + r.file() + " (" + r.format() + ")" + (r.unit() == null ? "" : ", unit " + r.unit())
                + ", policy " + r.policy());
        out.println("frames " + r.frames() + ": ip " + r.ipPackets() + ", other " + r.otherFrames() + ", truncated "
                + r.truncated() + ", malformed " + r.malformed() + ", unsupported link " + r.unsupportedLink());
        if (r.damage() != null) {
            out.println("damaged: " + r.damage());
        }
        out.println("unplanned hosts: " + r.unplannedHostCheck());
        if (r.flowTableOverflows() > 0) {
            out.println("note: the flow table filled up " + r.flowTableOverflows() + " times; some flows are listed twice");
        }
        if (r.unplannedHostTableOverflows() > 0) {
            out.println("note: the unplanned-host table filled up " + r.unplannedHostTableOverflows()
                    + " times; some hosts are listed twice");
        }
        if (r.clean()) {
            out.println("未发现违规 no violations");
            out.flush();
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(COLUMNS);
        int n = 1;
        for (AuditReport.Entry e : r.findings()) {
            Map<String, String> ev = e.finding().evidence();
            rows.add(new String[] {Integer.toString(n++), e.finding().rule().alarmKind().replace("isolation.", ""),
                    TIME.format(Instant.ofEpochSecond(0, e.finding().timeNanos())), ev.getOrDefault("interface", "-"), ev.getOrDefault("vlan", "-"),
                    ev.getOrDefault("proto", "-"), endpoint(ev.get("src"), ev.get("sport")),
                    endpoint(ev.get("dst"), ev.get("dport")), ev.getOrDefault("mac", "-"), Long.toString(e.packets())});
        }
        int[] width = new int[COLUMNS.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder line = new StringBuilder();
        for (String[] row : rows) {
            line.setLength(0);
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.println();
        n = 1;
        for (AuditReport.Entry e : r.findings()) {
            Finding f = e.finding();
            out.println(n++ + ". " + AlarmCatalogue.of(f.rule().alarmKind()).label() + ": " + f.rule().description() + ": " + f.policyRule()
                    + (f.seen() == null ? "" : " (seen: " + f.seen() + ")"));
        }
        long hosts = r.findings().stream().filter(e -> e.finding().rule() == FindingRule.UNPLANNED_HOST).count();
        long flows = r.findings().size() - hosts;
        out.println("违规流量 " + flows + " 条，私接设备 " + hosts + " 台 (" + flows + " violating flows, " + hosts + " unplanned hosts)");
        out.flush();
    }

    public static void json(AuditReport r, PrintWriter out) {
        StringBuilder s = new StringBuilder(256 + 256 * r.findings().size());
        s.append("{\"file\":").append(quote(r.file()))
                .append(",\"format\":").append(quote(r.format()))
                .append(",\"unit\":").append(quote(r.unit()))
                .append(",\"policy\":").append(quote(r.policy()))
                .append(",\"frames\":").append(r.frames())
                .append(",\"ipPackets\":").append(r.ipPackets())
                .append(",\"otherFrames\":").append(r.otherFrames())
                .append(",\"truncated\":").append(r.truncated())
                .append(",\"malformed\":").append(r.malformed())
                .append(",\"unsupportedLink\":").append(r.unsupportedLink())
                .append(",\"damage\":").append(quote(r.damage()))
                .append(",\"flowTableOverflows\":").append(r.flowTableOverflows())
                .append(",\"unplannedHostCheck\":").append(quote(r.unplannedHostCheck()))
                .append(",\"unplannedHostCheckOn\":").append(r.unplannedHostCheckOn())
                .append(",\"unplannedHostTableOverflows\":").append(r.unplannedHostTableOverflows())
                .append(",\"clean\":").append(r.clean())
                .append(",\"findings\":[");
        boolean first = true;
        for (AuditReport.Entry e : r.findings()) {
            s.append(first ? "" : ",").append("\n {\"kind\":").append(quote(e.finding().rule().alarmKind()))
                    .append(",\"description\":").append(quote(e.finding().rule().description()))
                    .append(",\"packets\":").append(e.packets())
                    .append(",\"evidence\":{");
            boolean firstKey = true;
            for (Map.Entry<String, String> ev : e.finding().evidence().entrySet()) {
                s.append(firstKey ? "" : ",").append(quote(ev.getKey())).append(':').append(quote(ev.getValue()));
                firstKey = false;
            }
            s.append("}}");
            first = false;
        }
        s.append("]}");
        out.println(s);
        out.flush();
    }

    private static String endpoint(String address, String port) {
        if (address == null) {
            return "-";
        }
        if (port == null) {
            return address;
        }
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }

    static String quote(String v) {
        if (v == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder(v.length() + 2).append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
