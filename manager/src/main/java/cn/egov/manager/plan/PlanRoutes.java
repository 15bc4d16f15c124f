package cn.egov.manager.plan;

import cn.egov.manager.app.ManagerContext;
import cn.egov.manager.web.Role;
import cn.egov.manager.web.RouteContributor;
import cn.egov.manager.web.WebRoutes;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan's web routes:
 * <ul>
 *   <li>{@code /plan} (page): whois form, remediation list, a unit's allocations — NOC, auditors, technicians</li>
 *   <li>{@code GET /api/plan}: the plan in force (files, warnings); {@code POST /api/plan} imports
 *       {@code {"files": {"name.plan": "text"}}} — NOC only; refused with 422 and the findings when it has errors</li>
 *   <li>{@code GET /api/plan/whois?q=ADDRESS|PREFIX|NAME}</li>
 *   <li>{@code GET /api/plan/units/{code}}: allocation view of a city, county or unit</li>
 *   <li>{@code GET /api/plan/remediation}: units not built to plan and how far each has come</li>
 * </ul>
 * Configuration: {@code plan.dir} — a directory of {@code *.plan} files imported at start when the
 * database holds no plan yet.
 */
public final class PlanRoutes implements RouteContributor {

    /** Config key (extension {@code plan.}) of the directory imported when no plan is stored. */
    public static final String DIR_KEY = "dir";

    private static final Logger LOG = LoggerFactory.getLogger(PlanRoutes.class);

    @Override
    public void contribute(WebRoutes routes, ManagerContext ctx) throws Exception {
        PlanStore store = ctx.plans();
        String dir = ctx.config().extension("plan").get(DIR_KEY);
        if (store.current().isEmpty() && dir != null && !dir.isBlank()) {
            PlanStore.ImportResult r = store.importPath(Path.of(dir), System.currentTimeMillis());
            if (!r.accepted()) {
                LOG.error("plan in {} refused: {} error(s); first: {}", dir, r.errors(), r.findings().get(0));
            }
        }
        PlanService service = new PlanService(store, new PlanReportReader(ctx.database()));
        Set<Role> everyone = EnumSet.allOf(Role.class);
        routes.page("/plan", "地址规划 Plan", everyone, new PlanPageHandler(service, routes));
        routes.api("/api/plan", EnumSet.of(Role.NOC, Role.AUDITOR), new PlanFilesHandler(store));
        routes.api("/api/plan/whois", everyone, new WhoisHandler(service));
        routes.api("/api/plan/units/*", everyone, new AllocationHandler(service));
        routes.api("/api/plan/remediation", EnumSet.of(Role.NOC, Role.AUDITOR), new RemediationHandler(service));
    }
}
