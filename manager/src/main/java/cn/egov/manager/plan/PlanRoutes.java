package cn.egov.manager.plan;

import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerContext;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.config.ConfigException;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.store.Database;
import cn.egov.manager.web.RouteContributor;
import cn.egov.manager.web.WebRoute;
import cn.egov.manager.web.WebRoutes;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan's web routes:
 * <ul>
 *   <li>{@code /plan} (page): whois form, remediation list, a unit's allocations — NOC, auditors, technicians
 *       (their counties only)</li>
 *   <li>{@code GET /api/plan}: the plan in force (version, files, warnings) — NOC, auditors;
 *       {@code POST /api/plan} imports {@code {"files": {"name.plan": "text"}, "confirmDrop": false}} — NOC only;
 *       see {@link PlanStore} for what is refused</li>
 *   <li>{@code GET /api/plan/versions}: the kept versions; {@code POST /api/plan/rollback}: the previous version
 *       back in force — NOC only</li>
 *   <li>{@code GET /api/plan/whois?q=ADDRESS|PREFIX|NAME}</li>
 *   <li>{@code GET /api/plan/units/{code}}: allocation view of a city, county or unit</li>
 *   <li>{@code GET /api/plan/remediation}: units not built to plan and how far each has come</li>
 * </ul>
 * Configuration ({@code plan.} keys): {@code plan.dir} — a directory of {@code *.plan} files imported at
 * start when the database holds no plan yet; {@code plan.max-drop-ratio} — the share of the allocations
 * in force an import may drop without {@code confirmDrop} (default {@value #DEFAULT_MAX_DROP_RATIO}).
 */
public final class PlanRoutes implements RouteContributor {

    /** Config key (extension {@code plan.}) of the directory imported when no plan is stored. */
    public static final String DIR_KEY = "dir";
    /** Config key (extension {@code plan.}) of the share of allocations an import may drop unconfirmed. */
    public static final String MAX_DROP_RATIO_KEY = "max-drop-ratio";
    /** A fifth of the plan gone in one import is a mistake far more often than a reorganisation. */
    public static final String DEFAULT_MAX_DROP_RATIO = "0.2";

    private static final Logger LOG = LoggerFactory.getLogger(PlanRoutes.class);

    /**
     * The manager's one plan store, with the drop bound of {@code plan.max-drop-ratio}: opened by the
     * manager before its broker (which admits only the units of the plan in force) and shared with
     * these routes through {@link ManagerContext#plans()}.
     */
    public static PlanStore openStore(ManagerConfig config, Database database) throws SQLException {
        var keys = config.extension("plan");
        String ratioText = keys.getOrDefault(MAX_DROP_RATIO_KEY, DEFAULT_MAX_DROP_RATIO);
        double ratio;
        try {
            ratio = Double.parseDouble(ratioText);
        } catch (NumberFormatException e) {
            ratio = Double.NaN;
        }
        if (!(ratio > 0 && ratio <= 1)) {
            throw new ConfigException(config.source() + ": plan." + MAX_DROP_RATIO_KEY + " must be a number in (0, 1], got '"
                    + ratioText + "'");
        }
        return new PlanStore(database, ratio);
    }

    @Override
    public void contribute(WebRoutes routes, ManagerContext ctx) throws Exception {
        var keys = ctx.config().extension("plan");
        AuditLog audit = new AuditLog(ctx.database());
        PlanStore store = ctx.plans();
        String dir = keys.get(DIR_KEY);
        if (store.current().isEmpty() && dir != null && !dir.isBlank()) {
            PlanStore.ImportResult r = store.importPath(Path.of(dir), System.currentTimeMillis());
            audit.record(new AuditEntry(System.currentTimeMillis(), "manager", "system", "plan.import", dir,
                    r.accepted() ? AuditEntry.Outcome.SUCCESS : AuditEntry.Outcome.REFUSED, r.message(), "local"));
            if (!r.accepted()) {
                LOG.error("plan in {} refused: {}{}", dir, r.message(), r.findings().isEmpty() ? "" : "; first: " + r.findings().get(0));
            }
        }
        PlanService service = new PlanService(store, new PlanReportReader(ctx.database()));
        Set<Role> readers = EnumSet.of(Role.NOC, Role.AUDITOR, Role.TECHNICIAN);
        Set<Role> provinceReaders = EnumSet.of(Role.NOC, Role.AUDITOR);
        routes.page("/plan", "地址规划 Plan", readers, new PlanPageHandler(service, routes));
        routes.api("/api/plan", provinceReaders, new WebRoute.Writes(EnumSet.of(Role.NOC), PlanFilesHandler.MAX_BODY),
                new PlanFilesHandler(store, audit));
        PlanRollbackHandler rollback = new PlanRollbackHandler(store, audit);
        routes.api("/api/plan/versions", provinceReaders, rollback);
        routes.api("/api/plan/rollback", provinceReaders, new WebRoute.Writes(EnumSet.of(Role.NOC), PlanRollbackHandler.MAX_BODY),
                rollback);
        routes.api("/api/plan/whois", readers, new WhoisHandler(service));
        routes.api("/api/plan/units/*", readers, new AllocationHandler(service));
        routes.api("/api/plan/remediation", readers, new RemediationHandler(service));
    }
}
