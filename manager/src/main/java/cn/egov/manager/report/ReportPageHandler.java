package cn.egov.manager.report;

import cn.egov.manager.evidence.Scope;
import cn.egov.manager.evidence.Times;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Frame;
import cn.egov.manager.web.Pages;
import cn.egov.manager.web.WebRoutes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /report}: pick a scope and a period; see the verdict counts per item, every unit's
 * verdicts (each cell's data in its tooltip), one unit's items with their data and events, and —
 * for auditors and administrators — the PDF and CSV export links of the same report.
 */
final class ReportPageHandler implements Request.Handler {

    /** Units listed on the page; the exports hold all. */
    static final int MAX_ROWS = 1000;
    static final String TITLE = "审计报告 Audit report";

    /** One cell of the unit table. */
    public record Cell(String verdict, String label, String summary) {
    }

    /** One unit of the table. */
    public record Row(String code, String name, String place, Cell overall, List<Cell> items) {
    }

    /** One line of the summary: an item and its verdict counts, in {@link Verdict} order. */
    public record Count(String item, List<Integer> counts) {
    }

    /** What the page shows. */
    public record Model(String scope, String from, String to, String error, boolean exporter, String parameters, String collectedAt,
                        String sha256, String scopeName, int units, List<String> verdicts, List<String> items, List<Count> summary,
                        List<Row> rows, List<Finding> unitFindings, String pdfProblem) {
    }

    private final ReportService service;
    private final WebRoutes routes;

    ReportPageHandler(ReportService service, WebRoutes routes) {
        this.service = service;
        this.routes = routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Caller caller = Caller.of(request);
        Frame frame = Pages.frame(request, routes, TITLE).still();
        boolean exporter = ReportExportHandler.EXPORTERS.contains(caller.role());
        List<String> verdicts = java.util.Arrays.stream(Verdict.values()).map(Verdict::label).toList();
        List<String> items = java.util.Arrays.stream(ReportItem.values()).map(ReportItem::title).toList();
        ReportQuery q;
        try {
            q = ReportQuery.of(request, caller, service.today(), service.maxDays(), service::knows);
        } catch (IllegalArgumentException | ReportQuery.NotVisible e) {
            // the page again with the reason above the form as typed: a mistyped unit is not a JSON body
            boolean missing = e instanceof ReportQuery.NotVisible;
            var f = Request.extractQueryParameters(request);
            Model m = new Model(value(f.getValue("scope")), value(f.getValue("from")), value(f.getValue("to")),
                    missing ? "没有这个范围 " + Scope.UNKNOWN + ": " + f.getValue("scope") : e.getMessage(), exporter, "", "", "",
                    "", 0, verdicts, items, List.of(), List.of(), List.of(), null);
            return Pages.render(response, callback, missing ? 404 : 400, out -> JtereportGenerated.render(out, null, frame, m));
        }
        ExportedReport x = service.collect(q, caller);
        AuditReport r = x.report();
        List<Count> summary = new ArrayList<>();
        summary.add(new Count("总体 Overall", new ArrayList<>(r.overall().values())));
        for (Map.Entry<ReportItem, Map<Verdict, Integer>> e : r.summary().entrySet()) {
            summary.add(new Count(e.getKey().title(), new ArrayList<>(e.getValue().values())));
        }
        List<Row> rows = new ArrayList<>();
        for (UnitReport u : r.units().subList(0, Math.min(MAX_ROWS, r.units().size()))) {
            rows.add(new Row(u.unit().code(), u.unit().name(), u.unit().cityName() + " " + u.unit().countyName(),
                    new Cell(u.overall().name(), u.overall().label(), ""),
                    u.findings().stream().map(f -> new Cell(f.verdict().name(), f.verdict().label(), f.summary())).toList()));
        }
        List<Finding> unitFindings = q.scope().isUnit() && r.units().size() == 1 ? r.units().get(0).findings() : List.of();
        Model m = new Model(q.scope().code(), q.period().from().toString(), q.period().to().toString(), null, exporter, q.parameters(),
                Times.format(x.collectedAt()), x.digest().sha256(), r.scopeName(), r.units().size(), verdicts, items, summary, rows,
                unitFindings, exporter ? service.documents().pdfProblem() : null);
        return Pages.render(response, callback, 200, out -> JtereportGenerated.render(out, null, frame, m));
    }

    private static String value(String v) {
        return v == null ? "" : v;
    }
}
