package cn.egov.manager.report;

import cn.egov.api.telemetry.AddressPlanMetrics;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.manager.evidence.MoreWire;
import cn.egov.manager.evidence.Period;
import cn.egov.manager.evidence.Sample;
import cn.egov.manager.evidence.Times;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules that turn a unit's evidence into verdicts, one method per {@link ReportItem}. A state
 * (the policy in force, the route guard, the plan check, the certificate) is judged as the box last
 * reported it before the period's end; events (drift, violations, probes, reports) as they arrived
 * in the period. No report at all is {@link Verdict#NO_DATA}, never a pass: a silent box proves nothing.
 */
final class Judge {

    /** A certificate that expires this soon after the period is flagged. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private Judge() {
    }

    static UnitReport unit(UnitEvidence e, Period p) {
        List<Finding> findings = List.of(policy(e, p), drift(e), violations(e), route(e), plan(e), certificate(e, p), exchange(e), duty(e),
                portal(e));
        Verdict overall = Verdict.NO_DATA;
        for (Finding f : findings) {
            overall = overall.worse(f.verdict());
        }
        return new UnitReport(e.unit, overall, e.messages, findings);
    }

    static Finding policy(UnitEvidence e, Period p) {
        Sample s = e.policy;
        if (s == null) {
            return Finding.of(ReportItem.POLICY, Verdict.NO_DATA, "期末前无策略报告 no policy report before the period's end");
        }
        String state = s.text(BoxMetrics.POLICY_STATE);
        long verified = s.number(BoxMetrics.POLICY_VERIFIED_AT);
        String sha = s.text(BoxMetrics.POLICY_SHA256);
        String data = s.text(BoxMetrics.POLICY_NAME) + " " + s.text(BoxMetrics.POLICY_VERSION) + " (sha256 "
                + (sha.length() > 16 ? sha.substring(0, 16) + "…" : sha) + "), 状态 state " + state + ", 最后验证 last verified "
                + Times.format(verified) + ", 报告于 reported " + Times.format(s.received());
        if (!"IN_FORCE".equals(state)) {
            return Finding.of(ReportItem.POLICY, Verdict.FAIL, "策略未在用 not in force: " + data);
        }
        if (verified < p.start()) {
            return Finding.of(ReportItem.POLICY, Verdict.WARN, "期内未验证 not verified in the period: " + data);
        }
        return Finding.of(ReportItem.POLICY, Verdict.PASS, "在用并已验证 in force and verified: " + data);
    }

    static Finding drift(UnitEvidence e) {
        int n = e.drift.total();
        if (n == 0) {
            return e.policy == null && !e.active
                    ? Finding.of(ReportItem.DRIFT, Verdict.NO_DATA, "期内无报告 nothing reported in the period")
                    : Finding.of(ReportItem.DRIFT, Verdict.PASS, "期内无漂移 no drift in the period");
        }
        boolean still = e.policy != null && (e.policy.flag(BoxMetrics.POLICY_DRIFT) || "DRIFT".equals(e.policy.text(BoxMetrics.POLICY_STATE)));
        String counts = n + " 次漂移 drift event(s), " + e.restored.total() + " 次恢复 restored";
        return new Finding(ReportItem.DRIFT, still ? Verdict.FAIL : Verdict.WARN,
                counts + (still ? "; 期末仍漂移 still drifting at the period's end" : "; 期末已恢复 corrected by the period's end"),
                e.drift.lines(), n);
    }

    static Finding violations(UnitEvidence e) {
        int n = e.violations.total();
        if (n == 0) {
            return e.active
                    ? Finding.of(ReportItem.VIOLATIONS, Verdict.PASS, "期内无违规 none in the period (" + e.messages + " messages from the box)")
                    : Finding.of(ReportItem.VIOLATIONS, Verdict.NO_DATA, "期内设备无报告 the box reported nothing in the period");
        }
        return new Finding(ReportItem.VIOLATIONS, e.violations.serious() ? Verdict.FAIL : Verdict.WARN,
                n + " 条违规 violation(s): " + e.violations.kinds(), e.violations.lines(), n);
    }

    static Finding route(UnitEvidence e) {
        String state = e.policy == null ? "" : e.policy.text(BoxMetrics.ROUTE_STATE);
        int n = e.route.total();
        String events = n == 0 ? "" : "; 期内 " + n + " 次发现 finding(s) in the period: " + e.route.kinds();
        if (state.isEmpty()) {
            return n == 0 ? Finding.of(ReportItem.ROUTE_GUARD, Verdict.NO_DATA, "未报告路由检查 no route check reported")
                    : new Finding(ReportItem.ROUTE_GUARD, e.route.serious() ? Verdict.FAIL : Verdict.WARN, "未报告路由状态 no route state" + events,
                    e.route.lines(), n);
        }
        String checked = ", 检查于 checked " + Times.format(e.policy.number(BoxMetrics.ROUTE_CHECKED_AT));
        if (!"NO_ROUTE".equals(state)) {
            return new Finding(ReportItem.ROUTE_GUARD, Verdict.FAIL, "期末存在通往互联网的路由 routes to the Internet at the end: " + state + ", "
                    + e.policy.number(BoxMetrics.ROUTE_FINDINGS) + " finding(s)" + checked + events, e.route.lines(), n);
        }
        if (e.route.serious()) {
            return new Finding(ReportItem.ROUTE_GUARD, Verdict.WARN, "期末无通往互联网的路由 no route to the Internet at the end" + checked + events,
                    e.route.lines(), n);
        }
        return new Finding(ReportItem.ROUTE_GUARD, Verdict.PASS, "无通往互联网的路由 no route to the Internet" + checked + events, e.route.lines(), n);
    }

    static Finding plan(UnitEvidence e) {
        Sample c = e.planCheck;
        if (c == null) {
            return Finding.of(ReportItem.ADDRESS_PLAN, Verdict.NO_DATA, "期末前无地址规划检查 no address-plan check before the period's end");
        }
        String data = "最后检查 last check " + Times.format(c.received()) + ", " + c.number(AddressPlanMetrics.ITEMS_CHECKED) + " 项 items, "
                + c.number(AddressPlanMetrics.FINDINGS) + " 项不符 findings; 期内 " + e.checks + " 次检查 checks in the period, "
                + e.nonConformingChecks + " 次不符 with findings";
        if (c.flag(AddressPlanMetrics.CONFORMS)) {
            return Finding.of(ReportItem.ADDRESS_PLAN, Verdict.PASS, "符合规划 conforms: " + data);
        }
        return new Finding(ReportItem.ADDRESS_PLAN, Verdict.FAIL, "不符合规划 does not conform: " + data, e.planFindings.lines(),
                e.planFindings.total());
    }

    static Finding certificate(UnitEvidence e, Period p) {
        Sample c = e.certificate;
        List<String> lines = e.pki.lines();
        int n = e.pki.total();
        if (c == null) {
            return n == 0 ? Finding.of(ReportItem.CERTIFICATE, Verdict.NO_DATA, "期末前无证书报告 no certificate report before the period's end")
                    : new Finding(ReportItem.CERTIFICATE, Verdict.FAIL, "无证书报告，有证书告警 no certificate report, " + e.pki.kinds(), lines, n);
        }
        if (!c.flag(MoreWire.CERT_ENROLLED)) {
            return new Finding(ReportItem.CERTIFICATE, Verdict.FAIL, "未注册省级CA证书 not enrolled with the provincial CA (reported "
                    + Times.format(c.received()) + ")", lines, n);
        }
        long notAfter = c.number(MoreWire.CERT_NOT_AFTER);
        String data = "serial " + c.text(MoreWire.CERT_SERIAL) + ", " + c.text(MoreWire.CERT_ISSUER) + ", 有效期至 valid until "
                + Times.format(notAfter) + (n == 0 ? "" : "; 告警 alarms: " + e.pki.kinds());
        long warnBefore = p.end() + EXPIRY_WARNING.toMillis();
        Verdict v;
        String why;
        if (e.revokedAt > 0 && e.revokedAt < p.end()) {
            v = Verdict.FAIL;
            why = "已被省级CA吊销 revoked by the provincial CA at " + Times.format(e.revokedAt) + ": ";
        } else if (notAfter < p.end()) {
            v = Verdict.FAIL;
            why = "证书已过期 expired: ";
        } else if (e.pki.any(MoreWire.PKI_FOREIGN_CA)) {
            v = Verdict.FAIL;
            why = "发现非省级CA a CA other than the province's in the trust store: ";
        } else if (notAfter < warnBefore) {
            v = Verdict.WARN;
            why = "证书即将过期 expires within " + EXPIRY_WARNING.toDays() + " days: ";
        } else if (n > 0) {
            v = Verdict.WARN;
            why = "有证书告警 certificate alarms: ";
        } else {
            v = Verdict.PASS;
            why = "有效 valid: ";
        }
        return new Finding(ReportItem.CERTIFICATE, v, why + data, lines, n);
    }

    static Finding exchange(UnitEvidence e) {
        int n = e.exchange.total();
        if (e.exchangeMessages == 0 && n == 0) {
            return Finding.of(ReportItem.EXCHANGE, Verdict.NO_DATA, "期内无公文交换报告 no exchange report in the period");
        }
        String data = e.exchangeMessages + " 条交换报告 exchange message(s)" + (n == 0 ? "" : "; 告警 alarms: " + e.exchange.kinds());
        Verdict v = e.exchange.serious() ? Verdict.FAIL : n > 0 ? Verdict.WARN : Verdict.PASS;
        return new Finding(ReportItem.EXCHANGE, v, data, e.exchange.lines(), n);
    }

    static Finding duty(UnitEvidence e) {
        int n = e.duty.total();
        if (e.dutyReports == 0 && e.roster == null && n == 0) {
            return Finding.of(ReportItem.DUTY, Verdict.NO_DATA, "无值班表、无报告 no roster and no report");
        }
        String roster = e.roster == null ? "无值班表 no roster" : "值班表 roster v" + e.roster.version() + " (" + Times.format(e.roster.publishedAt()) + ")";
        String data = roster + "; 期内报告 reports " + e.dutyReports + ", 迟报 late " + e.dutyLate + ", 未签收 unacknowledged "
                + e.dutyUnacknowledged + (n == 0 ? "" : "; 事件 events: " + e.duty.kinds());
        Verdict v;
        if (e.dutyLate > 0 || e.duty.any("duty.deadline.missed")) {
            v = Verdict.FAIL;
        } else if (e.roster == null || n > 0) {
            v = Verdict.WARN;
        } else {
            v = Verdict.PASS;
        }
        return new Finding(ReportItem.DUTY, v, data, e.duty.lines(), n);
    }

    static Finding portal(UnitEvidence e) {
        int n = e.portal.total();
        if (e.probes == 0 && n == 0) {
            return Finding.of(ReportItem.PORTAL, Verdict.NO_DATA, "期内无网站探测 no site probe in the period");
        }
        List<String> down = new ArrayList<>();
        e.lastProbes.forEach((site, s) -> {
            if (!s.flag(PortalMetrics.REACHABLE) || s.flag(PortalMetrics.STALE)) {
                down.add(site + (s.flag(PortalMetrics.REACHABLE) ? " 未更新 stale" : " 不可达 unreachable (HTTP " + s.number(PortalMetrics.HTTP_STATUS) + ")"));
            }
        });
        String data = e.lastProbes.size() + " 个站点 site(s), " + e.probes + " 次探测 probes, " + e.unreachable + " 次不可达 unreachable, "
                + e.stale + " 次未更新 stale" + (n == 0 ? "" : "; 告警 alarms: " + e.portal.kinds());
        if (!down.isEmpty()) {
            return new Finding(ReportItem.PORTAL, Verdict.FAIL, "期末 at the end: " + String.join(", ", down) + "; " + data, e.portal.lines(), n);
        }
        Verdict v = e.unreachable > 0 || e.stale > 0 || n > 0 ? Verdict.WARN : Verdict.PASS;
        return new Finding(ReportItem.PORTAL, v, data, e.portal.lines(), n);
    }
}
