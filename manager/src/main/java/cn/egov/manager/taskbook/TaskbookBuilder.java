package cn.egov.manager.taskbook;

import cn.egov.api.telemetry.AddressPlanMetrics;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.manager.evidence.EvidenceStore;
import cn.egov.manager.evidence.EvidenceStore.Roster;
import cn.egov.manager.evidence.MoreWire;
import cn.egov.manager.evidence.Period;
import cn.egov.manager.evidence.Sample;
import cn.egov.manager.evidence.Scope;
import cn.egov.manager.evidence.Times;
import cn.egov.manager.evidence.UnitDirectory;
import cn.egov.manager.evidence.UnitRef;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Works out each unit's tasks of a year: the derived ones from what its box reported in that year
 * (a few queries for the whole scope), the others from the newest entry people made.
 * <ul>
 *   <li>{@link AnnualTask#BACKBONE}: a {@code VPN/tunnel} report with state UP in the year;</li>
 *   <li>{@link AnnualTask#ISOLATION}: the newest {@code ISOLATION/policy} of the year says IN_FORCE;</li>
 *   <li>{@link AnnualTask#ADDRESS_PLAN}: the newest {@code ADDRESSPLAN/check} of the year conforms;</li>
 *   <li>{@link AnnualTask#CA_CERTIFICATE}: the newest {@code PKI/certificate} of the year is enrolled and valid at the
 *       year's end (or now, for the current year);</li>
 *   <li>{@link AnnualTask#PORTAL}: at its newest probe of the year, a site the box mirrors answered;</li>
 *   <li>{@link AnnualTask#EXCHANGE}: the box reported document exchange in the year;</li>
 *   <li>{@link AnnualTask#DUTY}: a duty roster or report from the unit arrived in the year.</li>
 * </ul>
 * A derived task with no report in the year is {@link TaskStatus#NO_DATA}: nothing shows it done.
 */
public final class TaskbookBuilder {

    private final EvidenceStore store;
    private final UnitDirectory directory;
    private final TaskbookStore entries;

    public TaskbookBuilder(EvidenceStore store, UnitDirectory directory, TaskbookStore entries) {
        this.store = store;
        this.directory = directory;
        this.entries = entries;
    }

    /** Whether {@code scope} exists (the province, or a division or unit with a unit of the plan or the fleet in it). */
    public boolean knows(Scope scope) {
        return directory.knows(scope);
    }

    /** What one unit's box showed in the year. */
    private static final class Shown {
        int tunnelReports;
        long tunnelUpAt;
        Sample policy;
        Sample planCheck;
        Sample certificate;
        final Map<String, Sample> probes = new TreeMap<>();
        int exchange;
        Roster roster;
        int dutyReports;
    }

    /**
     * @param now the current time: a certificate of the current year must be valid now, not at the year's end
     */
    public Taskbook build(int year, Scope scope, Predicate<String> visible, long now) throws SQLException {
        Period y = Period.year(year);
        List<UnitRef> units = directory.units(scope, visible);
        Map<String, Shown> shown = new HashMap<>();
        units.forEach(u -> shown.put(u.code(), new Shown()));
        long start = y.start();
        long end = y.end();
        store.within(BoxMetrics.VPN_APP, BoxMetrics.VPN_RESOURCE, y, scope, s -> at(shown, s.unit(), x -> {
            x.tunnelReports++;
            if (MoreWire.VPN_UP.equals(s.text(MoreWire.VPN_STATE))) {
                x.tunnelUpAt = s.received();
            }
        }));
        latestInYear(BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE, y, scope, shown, (x, s) -> x.policy = s);
        latestInYear(AddressPlanMetrics.APP, AddressPlanMetrics.CHECK_RESOURCE, y, scope, shown, (x, s) -> x.planCheck = s);
        latestInYear(MoreWire.PKI_APP, MoreWire.CERTIFICATE_RESOURCE, y, scope, shown, (x, s) -> x.certificate = s);
        store.within(PortalMetrics.APP, PortalMetrics.PROBE_RESOURCE, y, scope, s -> at(shown, s.unit(), x -> x.probes.put(s.text(PortalMetrics.SITE), s)));
        store.within(MoreWire.EXCHANGE_APP, null, y, scope, s -> at(shown, s.unit(), x -> x.exchange++));
        store.rosters(end, scope).forEach((unit, r) -> {
            if (r.receivedAt() >= start) {
                at(shown, unit, x -> x.roster = r);
            }
        });
        store.dutyReports(y, scope, r -> at(shown, r.unit(), x -> x.dutyReports++));
        Map<String, Map<AnnualTask, Entry>> entered = entries.latest(year, scope);
        long validAt = Math.min(end, now);

        List<UnitTasks> out = new ArrayList<>(units.size());
        for (UnitRef u : units) {
            Shown x = shown.get(u.code());
            Map<AnnualTask, Entry> e = entered.getOrDefault(u.code(), Map.of());
            List<TaskCell> cells = new ArrayList<>();
            for (AnnualTask t : AnnualTask.values()) {
                cells.add(t.derived ? derive(t, x, validAt) : entered(t, e.get(t)));
            }
            out.add(new UnitTasks(u, cells));
        }
        return new Taskbook(year, scope.code(), out);
    }

    private void latestInYear(String app, String resource, Period y, Scope scope, Map<String, Shown> shown,
                              java.util.function.BiConsumer<Shown, Sample> put) throws SQLException {
        store.latest(app, resource, y.end(), shown.keySet()).forEach((unit, s) -> {
            if (s.received() >= y.start()) {
                at(shown, unit, x -> put.accept(x, s));
            }
        });
    }

    static TaskCell entered(AnnualTask t, Entry e) {
        if (e == null) {
            return TaskCell.derived(t, TaskStatus.NOT_ENTERED, "未填报 nobody entered it this year");
        }
        return new TaskCell(t, e.done() ? TaskStatus.DONE : TaskStatus.NOT_DONE, e.note(), e.enteredBy() + " (" + e.role() + ")", e.enteredAt());
    }

    static TaskCell derive(AnnualTask t, Shown x, long validAt) {
        return switch (t) {
            case BACKBONE -> x.tunnelReports == 0 ? none(t, "本年无隧道报告 no tunnel report this year")
                    : x.tunnelUpAt > 0 ? TaskCell.derived(t, TaskStatus.DONE, "隧道建立 tunnel up, last reported " + Times.format(x.tunnelUpAt))
                    : TaskCell.derived(t, TaskStatus.NOT_DONE, x.tunnelReports + " 次隧道报告均未建立 tunnel reports, never up");
            case ISOLATION -> x.policy == null ? none(t, "本年无策略报告 no policy report this year")
                    : "IN_FORCE".equals(x.policy.text(BoxMetrics.POLICY_STATE))
                    ? TaskCell.derived(t, TaskStatus.DONE, x.policy.text(BoxMetrics.POLICY_NAME) + " " + x.policy.text(BoxMetrics.POLICY_VERSION)
                            + " 在用 in force, reported " + Times.format(x.policy.received()))
                    : TaskCell.derived(t, TaskStatus.NOT_DONE, "状态 state " + x.policy.text(BoxMetrics.POLICY_STATE) + ", reported "
                            + Times.format(x.policy.received()));
            case ADDRESS_PLAN -> x.planCheck == null ? none(t, "本年无地址规划检查 no address-plan check this year")
                    : x.planCheck.flag(AddressPlanMetrics.CONFORMS)
                    ? TaskCell.derived(t, TaskStatus.DONE, "符合 conforms, checked " + Times.format(x.planCheck.received()))
                    : TaskCell.derived(t, TaskStatus.NOT_DONE, x.planCheck.number(AddressPlanMetrics.FINDINGS) + " 项不符 findings, checked "
                            + Times.format(x.planCheck.received()));
            case CA_CERTIFICATE -> {
                if (x.certificate == null) {
                    yield none(t, "本年无证书报告 no certificate report this year");
                }
                long notAfter = x.certificate.number(MoreWire.CERT_NOT_AFTER);
                boolean ok = x.certificate.flag(MoreWire.CERT_ENROLLED) && notAfter > validAt;
                yield TaskCell.derived(t, ok ? TaskStatus.DONE : TaskStatus.NOT_DONE, !x.certificate.flag(MoreWire.CERT_ENROLLED)
                        ? "未注册 not enrolled" : "serial " + x.certificate.text(MoreWire.CERT_SERIAL) + ", 有效期至 valid until " + Times.format(notAfter));
            }
            case PORTAL -> {
                if (x.probes.isEmpty()) {
                    yield none(t, "本年无网站探测 no site probe this year");
                }
                List<String> up = new ArrayList<>();
                x.probes.forEach((site, s) -> {
                    if (s.flag(PortalMetrics.REACHABLE)) {
                        up.add(site);
                    }
                });
                yield up.isEmpty() ? TaskCell.derived(t, TaskStatus.NOT_DONE, "站点均不可达 no site answered at its last probe: " + String.join(", ", x.probes.keySet()))
                        : TaskCell.derived(t, TaskStatus.DONE, "运行 running: " + String.join(", ", up));
            }
            case EXCHANGE -> x.exchange == 0 ? none(t, "本年无公文交换报告 no exchange report this year")
                    : TaskCell.derived(t, TaskStatus.DONE, x.exchange + " 条交换报告 exchange messages this year");
            case DUTY -> x.roster == null && x.dutyReports == 0 ? none(t, "本年无值班表、无报告 no roster and no report this year")
                    : TaskCell.derived(t, TaskStatus.DONE, (x.roster == null ? "" : "值班表 roster v" + x.roster.version() + "; ") + x.dutyReports
                            + " 份报告 reports this year");
            default -> throw new IllegalArgumentException(t + " is entered by hand");
        };
    }

    private static TaskCell none(AnnualTask t, String why) {
        return TaskCell.derived(t, TaskStatus.NO_DATA, why);
    }

    private static void at(Map<String, Shown> shown, String unit, java.util.function.Consumer<Shown> work) {
        Shown x = unit == null ? null : shown.get(unit);
        if (x != null) {
            work.accept(x);
        }
    }
}
