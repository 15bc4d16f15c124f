package cn.egov.manager.taskbook;

import cn.egov.manager.account.Role;
import cn.egov.manager.evidence.Scope;
import cn.egov.manager.evidence.Times;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Frame;
import cn.egov.manager.web.Pages;
import cn.egov.manager.web.WebRoutes;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /taskbook?year=&scope=}: progress per city (units, per task how many units have done it,
 * the share of all tasks done), the units with each task's status (its basis in the tooltip), the
 * entries people made, the form to enter a task that no report can show (NOC, technicians) and
 * the exports (auditors, administrators).
 */
final class TaskbookPageHandler implements Request.Handler {

    static final String TITLE = "年度建设任务书 Annual task book";
    /** Units listed on the page; the exports hold all. */
    static final int MAX_ROWS = 1000;
    /** Roles that enter tasks by hand (a technician: units of its counties). */
    static final Set<Role> WRITERS = Set.of(Role.NOC, Role.TECHNICIAN);

    /** One cell of the unit table. */
    public record Cell(String status, String label, String basis) {
    }

    /** One unit of the table. */
    public record Row(String code, String name, String place, int done, List<Cell> cells) {
    }

    /** One entry of the history. */
    public record Line(String time, Entry entry, String task, String status) {
    }

    /** A task a person may enter. */
    public record Choice(String name, String title) {
    }

    /** What the page shows. */
    public record Model(int year, String scope, String scopeName, String error, boolean writer, boolean exporter, String parameters,
                        String collectedAt, String sha256, List<String> tasks, List<Progress> cities, Progress total, List<Row> rows,
                        int units, List<Line> history, List<Choice> manual, String pdfProblem) {
    }

    private final TaskbookService service;
    private final WebRoutes routes;

    TaskbookPageHandler(TaskbookService service, WebRoutes routes) {
        this.service = service;
        this.routes = routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return render(request, response, callback, Request.extractQueryParameters(request), null, 200);
    }

    /**
     * The page for the query in {@code q}, with {@code error} on top (an entry refused) and {@code status}; a malformed year
     * or scope in {@code q} makes it the caller's default book with that reason instead, status 400.
     */
    boolean render(Request request, Response response, Callback callback, Fields q, String error, int status) throws Exception {
        Caller caller = Caller.of(request);
        Frame frame = Pages.frame(request, routes, TITLE).still();
        TaskbookQuery query;
        String problem = error;
        int code = status;
        try {
            query = TaskbookQuery.of(q, caller, service.currentYear(), service::knows);
        } catch (IllegalArgumentException e) {
            // a mistyped year or scope: the page again (the caller's default book) with the reason on top, not a JSON body
            query = TaskbookQuery.of(new Fields(), caller, service.currentYear(), service::knows);
            problem = e.getMessage();
            code = 400;
        } catch (TaskbookQuery.NotVisible e) {
            // as a mistyped scope: the caller's default book with the reason on top, status 404
            query = TaskbookQuery.of(new Fields(), caller, service.currentYear(), service::knows);
            problem = "没有这个范围 " + Scope.UNKNOWN + ": " + q.getValue("scope");
            code = 404;
        }
        ExportedTaskbook x = service.collect(query, caller);
        Taskbook book = x.book();
        List<Row> rows = book.units().subList(0, Math.min(MAX_ROWS, book.units().size())).stream().map(u -> new Row(u.unit().code(),
                u.unit().name(), u.unit().cityName() + " " + u.unit().countyName(), u.done(), u.tasks().stream().map(c -> new Cell(c.status().name(),
                        c.status().label(), c.basis() + (c.enteredBy().isEmpty() ? "" : " — " + c.enteredBy() + ", " + Times.format(c.enteredAt()))))
                        .toList())).toList();
        List<Line> history = service.store().history(query.year(), query.scope(), 100).stream().filter(e -> caller.sees(e.unit()))
                .map(e -> new Line(Times.format(e.enteredAt()), e, e.task().title(), (e.done() ? TaskStatus.DONE : TaskStatus.NOT_DONE).label()))
                .toList();
        boolean exporter = TaskbookExportHandler.EXPORTERS.contains(caller.role());
        var docs = service.documents();
        Model m = new Model(query.year(), query.scope().code(), x.scopeName(), problem, WRITERS.contains(caller.role()), exporter,
                query.parameters(), Times.format(x.collectedAt()), x.digest().sha256(),
                Arrays.stream(AnnualTask.values()).map(AnnualTask::title).toList(), book.perCity(), book.total(x.scopeName()), rows, book.units().size(),
                history, Arrays.stream(AnnualTask.values()).filter(t -> !t.derived).map(t -> new Choice(t.name(), t.title())).toList(),
                docs == null ? "not started" : docs.pdfProblem());
        return Pages.render(response, callback, code, out -> JtetaskbookGenerated.render(out, null, frame, m));
    }
}
