package cn.egov.manager.plan;

import cn.egov.rules.plan.Divisions;
import cn.egov.rules.plan.Owner;
import cn.egov.rules.plan.PlanWhois;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The plan part of the manager as one facade for the web routes and the CLI: the plan in force
 * ({@link PlanStore}), whois, per-unit allocation views and the remediation list computed from
 * the boxes' reports ({@link PlanReportReader}).
 */
public final class PlanService {

    /** Reports older than the rework period plus this margin are not read. */
    private static final long HISTORY_MARGIN_MS = 35L * 24 * 3600 * 1000;

    private final PlanStore store;
    private final PlanReportReader reports;

    public PlanService(PlanStore store, PlanReportReader reports) {
        this.store = store;
        this.reports = reports;
    }

    public PlanStore store() {
        return store;
    }

    /** Whois over the plan in force; empty when no plan has been imported. */
    public Optional<PlanWhois.Answer> whois(String query) {
        return store.current().map(p -> p.whois().ask(query));
    }

    /** The allocation view of a city, county or unit code. */
    public Optional<AllocationView> allocation(String ownerCode) {
        Owner owner = new Owner(ownerCode);
        return store.current().map(p -> AllocationView.of(p.plan(), p.whois(), owner));
    }

    /** Units that are (or were) not built to plan, most open findings first. */
    public List<UnitProgress> remediation(long now) throws SQLException {
        List<PlanReport> rs = reports.since(now - RemediationList.REWORK_PERIOD.toMillis() - HISTORY_MARGIN_MS);
        return RemediationList.compute(rs, this::unitName);
    }

    private String unitName(String unit) {
        if (!Owner.isValid(unit)) {
            return unit;
        }
        return store.current().map(p -> p.whois().ownerName(new Owner(unit))).orElse(Divisions.hebei().path(unit));
    }
}
