package cn.egov.manager.report;

import cn.egov.manager.evidence.Times;
import cn.egov.manager.export.CjkFont;
import cn.egov.manager.export.DocumentSigner;
import cn.egov.manager.export.PdfLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report as a signed PDF: what it covers, the period, when the data was collected, the
 * evidence SHA-256 (also on top of every page) and the signer; the verdict counts per item and per
 * city; then each unit with every item's verdict, data and events. The evidence is attached as
 * {@code evidence.json} (its SHA-256 is the stated one) and the manager's certificate signs the
 * whole ({@link DocumentSigner}).
 */
public final class ReportPdf {

    private static final float[] UNIT_COLUMNS = {2.2f, 1.4f, 7};

    private ReportPdf() {
    }

    public static byte[] render(ExportedReport x, CjkFont font, DocumentSigner signer) throws IOException {
        AuditReport r = x.report();
        String sha = x.digest().sha256();
        byte[] unsigned;
        try (PdfLayout pdf = PdfLayout.open(font, "电子政务边缘网络审计报告 Audit report", "审计报告 " + r.scopeName() + " " + r.from() + " 至 " + r.to()
                + " · 证据 SHA-256 " + sha)) {
            pdf.facts(List.of(
                    new String[]{"范围 Scope", r.scopeName() + " (" + r.scope() + "), " + r.units().size() + " 个单位 units"},
                    new String[]{"期间 Period", r.from() + " 至 " + r.to() + "（北京时间，按管理端收到证据的时间 Beijing time, by receipt at the manager）"},
                    new String[]{Times.COLLECTED, Times.format(x.collectedAt())},
                    new String[]{"证据 SHA-256 Evidence", sha + "（附件 attached: evidence.json）"},
                    new String[]{"签名 Signed by", signer.certificate().getSubjectX500Principal().getName() + ", serial "
                            + signer.certificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT)},
                    new String[]{"导出人 Exported by", x.exportedBy()}));
            pdf.heading("汇总 Summary");
            List<String> header = new ArrayList<>(List.of("项目 Item"));
            for (Verdict v : Verdict.values()) {
                header.add(v.label());
            }
            List<List<String>> rows = new ArrayList<>();
            List<String> overall = new ArrayList<>(List.of("总体 Overall (units)"));
            r.overall().values().forEach(n -> overall.add(String.valueOf(n)));
            rows.add(overall);
            r.summary().forEach((item, counts) -> {
                List<String> row = new ArrayList<>(List.of(item.title()));
                counts.values().forEach(n -> row.add(String.valueOf(n)));
                rows.add(row);
            });
            pdf.table(new float[]{3, 1, 1, 1, 1}, header, rows);
            if (!r.scope().contains("-")) {
                pdf.heading("各市县 Per county");
                pdf.table(new float[]{3, 1, 1, 1, 1, 1}, List.of("市县 County", "单位 Units", Verdict.PASS.label(), Verdict.WARN.label(),
                        Verdict.FAIL.label(), Verdict.NO_DATA.label()), perCounty(r));
            }
            pdf.heading("各单位 Units");
            for (UnitReport u : r.units()) {
                pdf.subheading(u.unit().code() + " " + u.unit().name() + " · " + u.unit().cityName() + " " + u.unit().countyName()
                        + " · 总体 overall " + u.overall().label());
                List<List<String>> items = new ArrayList<>();
                for (Finding f : u.findings()) {
                    StringBuilder data = new StringBuilder(f.summary());
                    for (String e : f.evidence()) {
                        data.append("\n· ").append(e);
                    }
                    if (f.evidenceTotal() > f.evidence().size()) {
                        data.append("\n另有 ").append(f.evidenceTotal() - f.evidence().size()).append(" 条未列出 more not listed");
                    }
                    items.add(List.of(f.item().title(), f.verdict().label(), data.toString()));
                }
                pdf.table(UNIT_COLUMNS, null, items);
            }
            pdf.attach("evidence.json", "application/json", x.digest().json());
            unsigned = pdf.bytes();
        }
        return signer.sign(unsigned, "审计报告 audit report " + r.scope() + " " + r.from() + "/" + r.to() + ", evidence SHA-256 " + sha);
    }

    private static List<List<String>> perCounty(AuditReport r) {
        Map<String, int[]> counts = new TreeMap<>();
        Map<String, String> names = new TreeMap<>();
        for (UnitReport u : r.units()) {
            String county = u.unit().countyCode();
            names.put(county, u.unit().cityName() + " " + u.unit().countyName() + " (" + county + ")");
            int[] c = counts.computeIfAbsent(county, k -> new int[Verdict.values().length + 1]);
            c[0]++;
            c[1 + u.overall().ordinal()]++;
        }
        List<List<String>> rows = new ArrayList<>();
        counts.forEach((county, c) -> {
            List<String> row = new ArrayList<>(List.of(names.get(county)));
            for (int n : c) {
                row.add(String.valueOf(n));
            }
            rows.add(row);
        });
        return rows;
    }
}
