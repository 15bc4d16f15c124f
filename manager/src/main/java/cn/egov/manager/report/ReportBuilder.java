package cn.egov.manager.report;

import cn.egov.api.telemetry.AddressPlanMetrics;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.manager.evidence.EvidenceStore;
import cn.egov.manager.evidence.MoreWire;
import cn.egov.manager.evidence.Period;
import cn.egov.manager.evidence.Scope;
import cn.egov.manager.evidence.Times;
import cn.egov.manager.evidence.UnitDirectory;
import cn.egov.manager.evidence.UnitRef;
import cn.egov.manager.fleet.PlaceNames;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Gathers the evidence of every unit of a scope for a period from the store, a few queries for the
 * whole scope (never one per unit), and judges it ({@link Judge}).
 */
public final class ReportBuilder {

    /** Alarm kinds that are violations of the isolation rules (the monitor's findings and what the firewall refused). */
    static final Set<String> VIOLATION_KINDS = Set.of("isolation.outbound", "isolation.outbound-dns", "isolation.backbone-bypass",
            "isolation.cross-zone", "isolation.dual-homed", "isolation.unplanned-host", "isolation.unzoned-interface", "isolation.denied");
    static final String DRIFT_KIND = "isolation.policy.drift";
    static final String RESTORED_KIND = "isolation.policy.restored";
    static final String ROUTE_KINDS = "isolation.route.";

    private final EvidenceStore store;
    private final UnitDirectory directory;
    private final PlaceNames names;
    private final RevocationCheck revocations;
    private final int bound;

    /**
     * @param bound evidence lines kept per item and unit (every event is counted)
     */
    public ReportBuilder(EvidenceStore store, UnitDirectory directory, PlaceNames names, RevocationCheck revocations, int bound) {
        this.store = store;
        this.directory = directory;
        this.names = names;
        this.revocations = revocations;
        this.bound = bound;
    }

    /** Whether {@code scope} exists (the province, or a division or unit with a unit of the plan or the fleet in it). */
    public boolean knows(Scope scope) {
        return directory.knows(scope);
    }

    /** The report on the units of {@code scope} that {@code visible} admits, for {@code period}. */
    public AuditReport build(Scope scope, Predicate<String> visible, Period period) throws SQLException {
        List<UnitRef> units = directory.units(scope, visible);
        Map<String, UnitEvidence> by = new HashMap<>();
        List<UnitEvidence> ordered = new ArrayList<>(units.size());
        for (UnitRef u : units) {
            UnitEvidence e = new UnitEvidence(u, bound);
            by.put(u.code(), e);
            ordered.add(e);
        }
        long end = period.end();
        store.seen(period, scope).forEach((unit, n) -> at(by, unit, e -> {
            e.messages = n;
            e.active |= n > 0;
        }));
        store.latest(BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE, end, by.keySet()).forEach((unit, s) -> at(by, unit, e -> e.policy = s));
        store.alarms("isolation.", period, scope, a -> at(by, a.clientId(), e -> {
            e.active = true;
            String kind = a.alarm().kind();
            if (kind.equals(DRIFT_KIND)) {
                e.drift.add(a);
            } else if (kind.equals(RESTORED_KIND)) {
                e.restored.add(a);
            } else if (VIOLATION_KINDS.contains(kind)) {
                e.violations.add(a);
            } else if (kind.startsWith(ROUTE_KINDS)) {
                e.route.add(a);
            }
        }));

        store.latest(AddressPlanMetrics.APP, AddressPlanMetrics.CHECK_RESOURCE, end, by.keySet()).forEach((unit, s) -> at(by, unit, e -> e.planCheck = s));
        store.within(AddressPlanMetrics.APP, null, period, scope, s -> at(by, s.unit(), e -> {
            e.active = true;
            if (s.resource().equals(AddressPlanMetrics.CHECK_RESOURCE)) {
                e.checks++;
                if (!s.flag(AddressPlanMetrics.CONFORMS)) {
                    e.nonConformingChecks++;
                }
            } else if (s.resource().equals(AddressPlanMetrics.FINDING_RESOURCE) && e.planCheck != null
                    && s.number(AddressPlanMetrics.CHECK_ID) == e.planCheck.number(AddressPlanMetrics.CHECK_ID)) {
                e.planFindings.line(s.text(AddressPlanMetrics.KIND) + " " + s.text(AddressPlanMetrics.SUBJECT) + ": "
                        + Events.cut(s.text(AddressPlanMetrics.OBSERVED)) + " / 规划 planned " + Events.cut(s.text(AddressPlanMetrics.EXPECTED))
                        + (s.text(AddressPlanMetrics.REMEDIATION).isEmpty() ? "" : " → " + Events.cut(s.text(AddressPlanMetrics.REMEDIATION))));
            }
        }));

        store.latest(MoreWire.PKI_APP, MoreWire.CERTIFICATE_RESOURCE, end, by.keySet()).forEach((unit, s) -> at(by, unit, e -> {
            e.certificate = s;
            if (s.flag(MoreWire.CERT_ENROLLED) && !s.text(MoreWire.CERT_SERIAL).isEmpty()) {
                e.revokedAt = revocations.revokedAt(s.text(MoreWire.CERT_SERIAL));
            }
        }));
        store.alarms(MoreWire.PKI_ALARMS, period, scope, a -> at(by, a.clientId(), e -> e.pki.add(a)));

        store.within(MoreWire.EXCHANGE_APP, null, period, scope, s -> at(by, s.unit(), e -> {
            e.active = true;
            e.exchangeMessages++;
        }));
        store.alarms(MoreWire.EXCHANGE_ALARMS, period, scope, a -> at(by, a.clientId(), e -> e.exchange.add(a)));

        store.rosters(end, scope).forEach((unit, r) -> at(by, unit, e -> e.roster = r));
        store.dutyReports(period, scope, r -> at(by, r.unit(), e -> {
            e.active = true;
            e.dutyReports++;
            if (r.late()) {
                e.dutyLate++;
                e.duty.line(Times.format(r.receivedAt()) + " 迟报 late " + r.kind() + " " + r.id() + " (" + r.level() + "), filed "
                        + Times.format(r.filedAt()));
            }
            if (r.acknowledged() == 0 || r.acknowledged() >= end) {
                e.dutyUnacknowledged++;
            }
        }));
        store.alarms("duty.", period, scope, a -> at(by, a.clientId(), e -> e.duty.add(a)));

        store.within(PortalMetrics.APP, PortalMetrics.PROBE_RESOURCE, period, scope, s -> at(by, s.unit(), e -> {
            e.active = true;
            e.probes++;
            if (!s.flag(PortalMetrics.REACHABLE)) {
                e.unreachable++;
            }
            if (s.flag(PortalMetrics.STALE)) {
                e.stale++;
            }
            e.lastProbes.put(s.text(PortalMetrics.SITE), s);
        }));
        store.alarms("portal.", period, scope, a -> at(by, a.clientId(), e -> e.portal.add(a)));

        List<UnitReport> out = new ArrayList<>(ordered.size());
        for (UnitEvidence e : ordered) {
            out.add(Judge.unit(e, period));
        }
        return new AuditReport(scope.code(), scope.isUnit() && !units.isEmpty() ? units.get(0).name() : scopeName(scope), period.from().toString(),
                period.to().toString(), out);
    }

    private String scopeName(Scope scope) {
        String n = scope.isUnit() ? null : names.name(scope.code());
        return n == null ? scope.code() : n;
    }

    private static void at(Map<String, UnitEvidence> by, String unit, java.util.function.Consumer<UnitEvidence> work) {
        UnitEvidence e = unit == null ? null : by.get(unit);
        if (e != null) {
            work.accept(e);
        }
    }
}
