package cn.egov.manager.taskbook;

import cn.egov.manager.evidence.Times;
import cn.egov.manager.export.CsvTable;
import java.util.ArrayList;
import java.util.List;

/**
 * The task book as CSV for Excel: year, scope, when collected, the evidence SHA-256; progress per
 * city; then one row per unit and task with its status, its basis (the report, or the note
 * entered), who entered it and when. Notes are people's text: cells are formula-safe ({@link CsvTable}).
 */
public final class TaskbookCsv {

    private TaskbookCsv() {
    }

    public static byte[] render(ExportedTaskbook x) {
        Taskbook b = x.book();
        CsvTable t = new CsvTable()
                .row("年度建设任务书 Annual task book", b.year())
                .row("范围 Scope", b.scope(), x.scopeName())
                .row(Times.COLLECTED, Times.format(x.collectedAt()))
                .row("证据 SHA-256 Evidence SHA-256", x.digest().sha256())
                .row("导出人 Exported by", x.exportedBy())
                .row();
        List<Object> header = new ArrayList<>(List.of("市 City", "单位数 Units"));
        for (AnnualTask task : AnnualTask.values()) {
            header.add(task.title());
        }
        header.add("完成 Done");
        header.add("应完成 Due");
        header.add("进度 % Progress");
        t.row(header.toArray());
        List<Progress> rows = new ArrayList<>(b.perCity());
        rows.add(b.total(x.scopeName()));
        for (Progress p : rows) {
            List<Object> r = new ArrayList<>(List.of(p.name() + " (" + p.code() + ")", p.units()));
            r.addAll(p.donePerTask());
            r.add(p.done());
            r.add(p.total());
            r.add(p.percent());
            t.row(r.toArray());
        }
        t.row().row("单位 Unit", "名称 Name", "市 City", "县 County", "任务 AnnualTask", "状态 Status", "依据 Basis", "填报人 Entered by", "填报时间 Entered at");
        for (UnitTasks u : b.units()) {
            for (TaskCell c : u.tasks()) {
                t.row(u.unit().code(), u.unit().name(), u.unit().cityName(), u.unit().countyName(), c.task().title(), c.status().label(),
                        c.basis(), c.enteredBy(), c.enteredAt() == 0 ? "" : Times.format(c.enteredAt()));
            }
        }
        return t.bytes();
    }
}
