package cn.egov.manager.noc;

import cn.egov.api.time.BeijingTime;
import cn.egov.api.telemetry.AddressPlanMetrics;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.noc.store.AlarmBook;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what a unit's box reported into the overview's indicators, one per {@link Aspect}: first
 * from the box's newest report on it, then made worse by the box's open alarms of that aspect
 * (CRITICAL and MAJOR make a fault, MINOR and WARNING a warning). Nothing reported and no alarm is
 * {@link Level#NONE}: the unit does not run that capability, or its box never said.
 */
final class Judge {

    private Judge() {
    }

    /**
     * @param box     the unit's box in the fleet, or null when it has none
     * @param reports its newest reports by subject ({@link UnitReports})
     * @param open    its open alarms
     * @param revoked serials (upper-case hex) the CA revoked
     */
    static List<Indicator> indicators(BoxState box, Map<String, UnitReports.Report> reports, List<AlarmBook.Open> open,
                                      Set<String> revoked, long now) {
        Map<Aspect, Indicator> out = new EnumMap<>(Aspect.class);
        out.put(Aspect.BOX, box(box));
        out.put(Aspect.TUNNEL, tunnel(reports.get(UnitReports.TUNNEL)));
        out.put(Aspect.POLICY, policy(reports.get(UnitReports.POLICY)));
        out.put(Aspect.PLAN, plan(reports.get(UnitReports.PLAN)));
        out.put(Aspect.CERTIFICATE, certificate(reports.get(UnitReports.CERTIFICATE), revoked, now));
        out.put(Aspect.PORTAL, portal(reports));
        UnitReports.Report roster = reports.get(UnitReports.ROSTER);
        out.put(Aspect.DUTY, roster == null ? none() : new Indicator(Aspect.DUTY, Level.OK, "值班表 roster " + time(roster.received())));
        UnitReports.Report exchange = reports.get(UnitReports.EXCHANGE);
        out.put(Aspect.EXCHANGE, exchange == null ? none() : new Indicator(Aspect.EXCHANGE, Level.OK, "最近 last " + time(exchange.received())));
        for (AlarmBook.Open a : open) {
            Aspect aspect = Aspect.ofAlarm(a.kind());
            if (aspect == null) {
                continue;
            }
            Level level = a.severity() == Alarm.Severity.CRITICAL || a.severity() == Alarm.Severity.MAJOR ? Level.BAD : Level.WARN;
            Indicator i = out.get(aspect);
            if (level.ordinal() > i.level().ordinal()) {
                out.put(aspect, new Indicator(aspect, level, "告警 alarm " + a.kind()));
            }
        }
        List<Indicator> list = new ArrayList<>();
        out.forEach((aspect, i) -> list.add(new Indicator(aspect, i.level(), i.text())));
        return list;
    }

    private static Indicator none() {
        return new Indicator(null, Level.NONE, "未报告 not reported");
    }

    private static Indicator box(BoxState b) {
        if (b == null) {
            return new Indicator(Aspect.BOX, Level.NONE, "无设备 no box");
        }
        return switch (b.status()) {
            case CONNECTED -> new Indicator(Aspect.BOX, Level.OK, "在线 connected");
            case MISSING -> new Indicator(Aspect.BOX, Level.BAD, "失联 missing since " + time(b.statusSince()));
            case DISCONNECTED -> new Indicator(Aspect.BOX, Level.BAD, "离线 disconnected since " + time(b.statusSince()));
        };
    }

    private static Indicator tunnel(UnitReports.Report r) {
        if (r == null) {
            return none();
        }
        if ("UP".equals(r.text("state"))) {
            return new Indicator(Aspect.TUNNEL, Level.OK, "UP " + r.text("hub"));
        }
        String error = r.text("last_error");
        return new Indicator(Aspect.TUNNEL, Level.BAD, "DOWN" + (error.isEmpty() ? "" : ": " + error));
    }

    private static Indicator policy(UnitReports.Report r) {
        if (r == null) {
            return none();
        }
        String state = r.text(BoxMetrics.POLICY_STATE);
        String version = r.text(BoxMetrics.POLICY_VERSION);
        long verified = r.number(BoxMetrics.POLICY_VERIFIED_AT);
        if ("FINDINGS".equals(r.text(BoxMetrics.ROUTE_STATE))) {
            return new Indicator(Aspect.POLICY, Level.BAD, "路由 route findings: " + r.number(BoxMetrics.ROUTE_FINDINGS));
        }
        if ("IN_FORCE".equals(state) && !r.flag(BoxMetrics.POLICY_DRIFT)) {
            return verified > 0 ? new Indicator(Aspect.POLICY, Level.OK, version + " 已验证 verified " + time(verified))
                    : new Indicator(Aspect.POLICY, Level.WARN, version + " 未验证 not verified");
        }
        if ("NONE".equals(state) || state.isEmpty()) {
            return new Indicator(Aspect.POLICY, Level.WARN, "无策略 no policy");
        }
        return new Indicator(Aspect.POLICY, Level.BAD, state + " " + version);
    }

    private static Indicator plan(UnitReports.Report r) {
        if (r == null) {
            return none();
        }
        return r.flag(AddressPlanMetrics.CONFORMS) ? new Indicator(Aspect.PLAN, Level.OK, "符合 conforms " + time(r.time()))
                : new Indicator(Aspect.PLAN, Level.WARN, r.number(AddressPlanMetrics.FINDINGS) + " 项不符 findings");
    }

    private static Indicator certificate(UnitReports.Report r, Set<String> revoked, long now) {
        if (r == null) {
            return none();
        }
        if (!r.flag("enrolled")) {
            return new Indicator(Aspect.CERTIFICATE, Level.BAD, "未注册 not enrolled");
        }
        String serial = r.text("serial");
        long notAfter = r.number("not_after");
        if (revoked.contains(serial.toUpperCase(java.util.Locale.ROOT))) {
            return new Indicator(Aspect.CERTIFICATE, Level.BAD, "已吊销 revoked " + serial);
        }
        if (notAfter <= now) {
            return new Indicator(Aspect.CERTIFICATE, Level.BAD, "已过期 expired " + time(notAfter));
        }
        long renewAt = r.number("renew_at");
        if (renewAt > 0 && renewAt <= now) {
            return new Indicator(Aspect.CERTIFICATE, Level.WARN, "待更新 renewal due, valid to " + time(notAfter));
        }
        return new Indicator(Aspect.CERTIFICATE, Level.OK, "有效至 valid to " + time(notAfter));
    }

    private static Indicator portal(Map<String, UnitReports.Report> reports) {
        int sites = 0;
        List<String> down = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, UnitReports.Report> e : reports.entrySet()) {
            if (!e.getKey().startsWith(UnitReports.PROBE_PREFIX)) {
                continue;
            }
            sites++;
            String site = e.getKey().substring(UnitReports.PROBE_PREFIX.length());
            UnitReports.Report r = e.getValue();
            if (!r.flag(PortalMetrics.REACHABLE)) {
                down.add(site);
            } else if (r.flag(PortalMetrics.STALE) || r.flag(PortalMetrics.EXPIRED)) {
                stale.add(site);
            }
        }
        if (sites == 0) {
            return none();
        }
        if (!down.isEmpty()) {
            return new Indicator(Aspect.PORTAL, Level.BAD, "不可达 unreachable: " + String.join(", ", down));
        }
        if (!stale.isEmpty()) {
            return new Indicator(Aspect.PORTAL, Level.WARN, "未更新或过期 stale/expired: " + String.join(", ", stale));
        }
        return new Indicator(Aspect.PORTAL, Level.OK, sites + " 个站点 site(s)");
    }

    static String time(long millis) {
        return millis <= 0 ? "—" : BeijingTime.toMinute(Instant.ofEpochMilli(millis));
    }
}
