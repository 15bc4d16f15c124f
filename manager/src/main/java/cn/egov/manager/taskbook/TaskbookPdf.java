package cn.egov.manager.taskbook;

import cn.egov.manager.evidence.Times;
import cn.egov.manager.export.CjkFont;
import cn.egov.manager.export.DocumentSigner;
import cn.egov.manager.export.PdfLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The task book as a signed PDF (the auditor's report's font, layout and signer): progress per
 * city, every unit's tasks in one row, then the tasks entered by hand with their notes; the task
 * book attached as {@code evidence.json} with the stated SHA-256.
 */
public final class TaskbookPdf {

    private TaskbookPdf() {
    }

    public static byte[] render(ExportedTaskbook x, CjkFont font, DocumentSigner signer) throws IOException {
        Taskbook b = x.book();
        String sha = x.digest().sha256();
        byte[] unsigned;
        try (PdfLayout pdf = PdfLayout.open(font, b.year() + " 年度建设任务书 Annual task book", "任务书 " + b.year() + " " + x.scopeName()
                + " · 证据 SHA-256 " + sha)) {
            pdf.facts(List.of(
                    new String[]{"范围 Scope", x.scopeName() + " (" + b.scope() + "), " + b.units().size() + " 个单位 units"},
                    new String[]{"年度 Year", b.year() + "（北京时间 Beijing time）"},
                    new String[]{Times.COLLECTED, Times.format(x.collectedAt())},
                    new String[]{"证据 SHA-256 Evidence", sha + "（附件 attached: evidence.json）"},
                    new String[]{"签名 Signed by", signer.certificate().getSubjectX500Principal().getName()},
                    new String[]{"导出人 Exported by", x.exportedBy()}));
            pdf.heading("各市进度 Progress per city");
            List<String> header = new ArrayList<>(List.of("市 City", "单位 Units"));
            float[] widths = new float[AnnualTask.values().length + 3];
            widths[0] = 2.2f;
            widths[1] = 1;
            for (AnnualTask t : AnnualTask.values()) {
                header.add(t.chinese);
                widths[2 + t.ordinal()] = 1.1f;
            }
            header.add("进度 Progress");
            widths[widths.length - 1] = 1.3f;
            List<List<String>> rows = new ArrayList<>();
            List<Progress> progress = new ArrayList<>(b.perCity());
            progress.add(b.total(x.scopeName()));
            for (Progress p : progress) {
                List<String> r = new ArrayList<>(List.of(p.name(), String.valueOf(p.units())));
                p.donePerTask().forEach(n -> r.add(String.valueOf(n)));
                r.add(p.percent() + "% (" + p.done() + "/" + p.total() + ")");
                rows.add(r);
            }
            pdf.table(widths, header, rows);

            pdf.heading("各单位 Units");
            List<String> unitHeader = new ArrayList<>(List.of("单位 Unit", "名称 Name"));
            float[] unitWidths = new float[AnnualTask.values().length + 2];
            unitWidths[0] = 1.7f;
            unitWidths[1] = 2.2f;
            for (AnnualTask t : AnnualTask.values()) {
                unitHeader.add(t.chinese);
                unitWidths[2 + t.ordinal()] = 1;
            }
            List<List<String>> units = new ArrayList<>();
            List<List<String>> manual = new ArrayList<>();
            for (UnitTasks u : b.units()) {
                List<String> r = new ArrayList<>(List.of(u.unit().code(), u.unit().name()));
                for (TaskCell c : u.tasks()) {
                    r.add(c.status().chinese);
                    if (!c.enteredBy().isEmpty()) {
                        manual.add(List.of(u.unit().code(), c.task().chinese, c.status().chinese, c.basis(), c.enteredBy(), Times.format(c.enteredAt())));
                    }
                }
                units.add(r);
            }
            pdf.table(unitWidths, unitHeader, units);
            pdf.heading("人工填报 Entered by hand");
            pdf.table(new float[]{1.5f, 1.8f, 1, 4, 1.8f, 1.8f}, List.of("单位 Unit", "任务 AnnualTask", "状态 Status", "说明 Note", "填报人 By", "时间 At"), manual);
            pdf.attach("evidence.json", "application/json", x.digest().json());
            unsigned = pdf.bytes();
        }
        return signer.sign(unsigned, "年度建设任务书 annual task book " + b.year() + " " + b.scope() + ", evidence SHA-256 " + sha);
    }
}
