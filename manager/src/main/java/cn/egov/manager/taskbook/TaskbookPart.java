package cn.egov.manager.taskbook;

import cn.egov.manager.account.Role;
import cn.egov.manager.evidence.EvidenceStore;
import cn.egov.manager.evidence.UnitDirectory;
import cn.egov.manager.export.DocumentKit;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.web.WebRoute;
import cn.egov.manager.web.WebRoutes;
import cn.egov.rules.plan.AddressPlan;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The annual inspection task book (年度建设任务书, issue 12 item 6) as a part: each unit's yearly
 * tasks ({@link AnnualTask}), derived from telemetry where they can be ({@link TaskbookBuilder}) and
 * entered by hand with a note where they cannot ({@link EntryHandler}: NOC and technicians, CSRF,
 * audited); {@code /taskbook} shows which units have done what with progress per city;
 * {@code GET /api/taskbook}, exports {@code /api/taskbook/csv|pdf} (auditors, administrators,
 * audited; the PDF with the report's font and signer). Its table: {@code taskbook_entries}.
 */
public final class TaskbookPart implements ManagerPart {

    private final Supplier<Optional<AddressPlan>> plan;
    private final Supplier<DocumentKit> documents;

    /**
     * @param plan      the address plan in force (its units are the units due their tasks)
     * @param documents the report part's font and signer, for the PDF export
     */
    public TaskbookPart(Supplier<Optional<AddressPlan>> plan, Supplier<DocumentKit> documents) {
        this.plan = plan;
        this.documents = documents;
    }

    @Override
    public String name() {
        return "taskbook";
    }

    @Override
    public List<String> migrations() {
        return TaskbookStore.MIGRATIONS;
    }

    @Override
    public void start(PartContext ctx) throws Exception {
        TaskbookStore store = new TaskbookStore(ctx.database());
        UnitDirectory directory = new UnitDirectory(plan, ctx.fleet(), PlaceNames.HEBEI);
        TaskbookService service = new TaskbookService(new TaskbookBuilder(new EvidenceStore(ctx.database()), directory, store), store,
                documents, Clock.systemUTC());
        WebRoutes routes = ctx.routes();
        Set<Role> readers = EnumSet.of(Role.NOC, Role.AUDITOR, Role.TECHNICIAN, Role.ADMIN);
        TaskbookPageHandler page = new TaskbookPageHandler(service, routes);
        routes.page("/taskbook", TaskbookPageHandler.TITLE, readers, page);
        routes.add(new WebRoute(EntryHandler.PATH, readers, null, new WebRoute.Writes(TaskbookPageHandler.WRITERS, EntryHandler.MAX_BODY, true),
                new EntryHandler(service, directory, page, ctx.audit())));
        routes.api("/api/taskbook", readers, new TaskbookApiHandler(service));
        routes.api("/api/taskbook/csv", readers, new TaskbookExportHandler(service, ctx.audit(), false));
        routes.api("/api/taskbook/pdf", readers, new TaskbookExportHandler(service, ctx.audit(), true));
        ctx.meters().gauge("taskbook.entries", "task-book entries made by hand (all years)", () -> {
            try (var c = ctx.database().connect(); var s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM taskbook_entries")) {
                return rs.next() ? rs.getLong(1) : 0;
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }
}
