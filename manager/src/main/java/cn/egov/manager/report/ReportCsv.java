package cn.egov.manager.report;

import cn.egov.manager.evidence.Times;
import cn.egov.manager.export.CsvTable;

/**
 * The report as CSV for Excel: the period, when the data was collected and the evidence SHA-256
 * first, then one row per unit and item with its verdict, data and evidence (one event a line in
 * the cell). The hash is the one the PDF states: both are renderings of the same evidence.
 */
public final class ReportCsv {

    private ReportCsv() {
    }

    public static byte[] render(ExportedReport x) {
        AuditReport r = x.report();
        CsvTable t = new CsvTable()
                .row("审计报告 Audit report")
                .row("范围 Scope", r.scope(), r.scopeName())
                .row("期间 Period", r.from(), r.to(), "北京时间，按管理端收到时间 Beijing time, by receipt at the manager")
                .row(Times.COLLECTED, Times.format(x.collectedAt()))
                .row("证据 SHA-256 Evidence SHA-256", x.digest().sha256())
                .row("导出人 Exported by", x.exportedBy())
                .row()
                .row("单位 Unit", "名称 Name", "市 City", "县 County", "项目 Item", "结论 Verdict", "依据 Data", "事件 Events", "事件总数 Events total");
        for (UnitReport u : r.units()) {
            t.row(u.unit().code(), u.unit().name(), u.unit().cityName(), u.unit().countyName(), "总体 Overall", u.overall().label(),
                    u.messages() + " 条设备消息 messages from the box", "", "");
            for (Finding f : u.findings()) {
                t.row(u.unit().code(), u.unit().name(), u.unit().cityName(), u.unit().countyName(), f.item().title(), f.verdict().label(),
                        f.summary(), String.join("\n", f.evidence()), f.evidenceTotal());
            }
        }
        return t.bytes();
    }
}
