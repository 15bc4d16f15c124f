package cn.egov.manager.plan;

import cn.egov.manager.account.Role;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.store.Database;
import cn.egov.manager.web.WebRoute;
import cn.egov.manager.web.WebRoutes;
import cn.egov.rules.plan.AddressPlan;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The address plan as a part of the manager: its keys ({@link PlanConfigKey}), its tables
 * ({@link PlanStore#MIGRATIONS}), the plan imported at start from {@code plan.dir}, and its routes:
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
public final class PlanPart implements ManagerPart {

    /** Config key (extension {@code plan.}) of the directory imported when no plan is stored. */
    public static final String DIR_KEY = "dir";
    /** Config key (extension {@code plan.}) of the share of allocations an import may drop unconfirmed. */
    public static final String MAX_DROP_RATIO_KEY = "max-drop-ratio";
    /** A fifth of the plan gone in one import is a mistake far more often than a reorganisation. */
    public static final String DEFAULT_MAX_DROP_RATIO = "0.2";

    private static final Logger LOG = LoggerFactory.getLogger(PlanPart.class);

    private volatile PlanStore store;

    @Override
    public String name() {
        return "plan";
    }

    @Override
    public List<KeySpec> keys() {
        return PlanConfigKey.specs();
    }

    @Override
    public List<String> migrations() {
        return PlanStore.MIGRATIONS;
    }

    /**
     * The manager's one plan store, with the drop bound of {@code plan.max-drop-ratio}: opened before
     * the broker (which admits only the units of the plan in force), then served by this part's routes.
     *
     * @param keys this part's keys (short names), as the configuration has them
     */
    public synchronized PlanStore open(Database database, Map<String, String> keys) throws SQLException {
        if (store == null) {
            store = new PlanStore(database, Double.parseDouble(keys.get(MAX_DROP_RATIO_KEY)));
        }
        return store;
    }

    /** The plan in force, once {@link #open} ran; empty before, or when none was ever imported. */
    public Optional<AddressPlan> inForce() {
        PlanStore s = store;
        return s == null ? Optional.empty() : s.current().map(LoadedPlan::plan);
    }

    @Override
    public void start(PartContext ctx) throws Exception {
        WebRoutes routes = ctx.routes();
        AuditLog audit = ctx.audit();
        PlanStore store = open(ctx.database(), ctx.keys());
        String dir = ctx.key(DIR_KEY);
        if (store.current().isEmpty() && !dir.isBlank()) {
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
        ctx.meters().gauge("plan.version", "version of the address plan in force (0: none)",
                () -> store.current().map(LoadedPlan::version).orElse(0L));
        ctx.meters().gauge("plan.allocations", "allocations of the address plan in force",
                () -> store.current().map(p -> p.plan().allocations().size()).orElse(0));
    }
}
