package cn.egov.manager.plan;

import static cn.egov.manager.web.HtmlPage.esc;

import cn.egov.manager.web.Caller;
import cn.egov.manager.web.HtmlPage;
import cn.egov.manager.web.WebRoutes;
import cn.egov.rules.plan.PlanFinding;
import cn.egov.rules.plan.PlanWhois;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /plan}: the whois form ({@code ?q=}), the remediation list, a unit's allocations
 * ({@code ?unit=}) and the plan's warnings. A technician sees answers, allocations and remediation
 * of the account's counties only; asking about anything else shows the same line as asking about
 * something the plan does not have.
 */
final class PlanPageHandler implements Request.Handler {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneId.of("Asia/Shanghai"));
    private static final int WARNINGS_SHOWN = 20;

    private final PlanService service;
    private final WebRoutes routes;

    PlanPageHandler(PlanService service, WebRoutes routes) {
        this.service = service;
        this.routes = routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        var params = Request.extractQueryParameters(request);
        String q = params.getValue("q");
        String unit = params.getValue("unit");
        StringBuilder b = new StringBuilder();
        Caller caller = Caller.of(request);
        var current = service.store().current();
        if (current.isEmpty()) {
            b.append("<p>No plan has been imported (POST /api/plan, or set <code>plan.dir</code>).</p>");
            return HtmlPage.write(request, response, callback, routes, "地址与域名规划 Address plan", b.toString());
        }
        b.append("<h2>Whois 查询</h2><form method=\"get\" action=\"/plan\"><input name=\"q\" size=\"40\" placeholder=\"10.6.8.9, 10.6.0.0/16, slj.bd.gov.cn\" value=\"")
                .append(esc(q)).append("\"> <button type=\"submit\">查询 Look up</button></form>");
        if (q != null && !q.isBlank()) {
            whois(b, q, caller);
        }
        if (unit != null && !unit.isBlank()) {
            unitView(b, unit, caller);
        }
        remediation(b, caller);
        var plan = current.get();
        b.append("<h2>规划 Plan</h2><p class=\"summary\"><span>files: ").append(plan.files().size())
                .append("</span><span>allocations: ").append(plan.plan().allocations().size())
                .append("</span><span>domains: ").append(plan.plan().domains().size())
                .append("</span><span>imported: ").append(esc(DAY.format(Instant.ofEpochMilli(plan.importedAt())))).append("</span></p>");
        // warnings name entries anywhere in the province
        List<PlanFinding> warnings = caller.provinceWide() ? plan.findings() : List.of();
        if (!warnings.isEmpty()) {
            b.append("<h3>Warnings</h3><ul>");
            warnings.stream().limit(WARNINGS_SHOWN).forEach(w -> b.append("<li>").append(esc(w)).append("</li>"));
            b.append("</ul>");
        }
        return HtmlPage.write(request, response, callback, routes, "地址与域名规划 Address plan", b.toString());
    }

    private void whois(StringBuilder b, String q, Caller caller) {
        try {
            var visible = PlanVisibility.whois(service.whois(q).orElseThrow(), caller);
            if (visible.isEmpty()) {
                b.append("<p class=\"error\" id=\"not-visible\">").append(esc(PlanVisibility.notVisible(q))).append("</p>");
                return;
            }
            PlanWhois.Answer a = visible.get();
            b.append("<table id=\"whois\"><tr><th>query</th><td>").append(esc(a.query())).append("</td></tr>");
            if (!a.found()) {
                b.append("<tr><th>owner</th><td>not in the plan</td></tr></table>");
                return;
            }
            b.append("<tr><th>owner</th><td class=\"owner\">").append(a.owner() == null ? "(no owner: aggregate or reserved)"
                    : "<a href=\"/plan?unit=" + esc(a.owner().code()) + "\">" + esc(a.owner().code()) + "</a> " + esc(a.ownerName()))
                    .append("</td></tr><tr><th>entry</th><td>").append(esc(a.matched())).append("</td></tr><tr><th>source</th><td>")
                    .append(esc(a.source())).append("</td></tr>");
            if (!a.chain().isEmpty()) {
                b.append("<tr><th>inside</th><td>").append(esc(String.join(" ⊂ ", a.chain()))).append("</td></tr>");
            }
            if (!a.within().isEmpty()) {
                b.append("<tr><th>holds</th><td>").append(esc(String.join("; ", a.within()))).append("</td></tr>");
            }
            b.append("</table>");
        } catch (IllegalArgumentException e) {
            b.append("<p class=\"error\"").append(caller.provinceWide() ? ">" + esc(e.getMessage())
                    : " id=\"not-visible\">" + esc(PlanVisibility.notVisible(q))).append("</p>");
        }
    }

    private void unitView(StringBuilder b, String unit, Caller caller) {
        if (!caller.sees(unit)) {
            b.append("<p class=\"error\" id=\"not-visible\">").append(esc(PlanVisibility.notVisible(unit))).append("</p>");
            return;
        }
        try {
            AllocationView v = service.allocation(unit).orElseThrow();
            b.append("<h2>").append(esc(v.owner())).append(" ").append(esc(v.name())).append("</h2><table><tr><th>owner</th><th>zone</th><th>prefix</th><th>source</th></tr>");
            for (AllocationView.Row r : v.allocations()) {
                b.append("<tr><td>").append(esc(r.owner())).append("</td><td>").append(esc(r.zone())).append("</td><td>")
                        .append(esc(r.prefix())).append("</td><td class=\"muted\">").append(esc(r.source())).append("</td></tr>");
            }
            for (AllocationView.Row r : v.inherited()) {
                b.append("<tr class=\"muted\"><td>").append(esc(r.owner())).append(" (parent)</td><td>").append(esc(r.zone()))
                        .append("</td><td>").append(esc(r.prefix())).append("</td><td>").append(esc(r.source())).append("</td></tr>");
            }
            b.append("</table><p>names: ").append(esc(String.join(", ", v.domains()))).append(" · name spaces: ")
                    .append(esc(String.join(", ", v.nameSpaces()))).append("</p>");
        } catch (IllegalArgumentException e) {
            b.append("<p class=\"error\">").append(esc(e.getMessage())).append("</p>");
        }
    }

    private void remediation(StringBuilder b, Caller caller) throws Exception {
        List<UnitProgress> list = service.remediation(System.currentTimeMillis()).stream().filter(p -> caller.sees(p.unit())).toList();
        b.append("<h2>整改清单 Remediation list</h2>");
        if (list.isEmpty()) {
            b.append("<p>No unit has reported a network that is not built to plan.</p>");
            return;
        }
        b.append("<table id=\"remediation\"><tr><th>unit</th><th>name</th><th>status</th><th class=\"num\">open</th><th class=\"num\">fixed</th>"
                + "<th class=\"num\">done</th><th>since</th><th>due</th><th>first open finding</th></tr>");
        for (UnitProgress p : list) {
            String first = p.openFindings().isEmpty() ? "" : p.openFindings().get(0).remediation();
            b.append("<tr><td><a href=\"/plan?unit=").append(URLEncoder.encode(p.unit(), StandardCharsets.UTF_8)).append("\">")
                    .append(esc(p.unit())).append("</a></td><td>").append(esc(p.name())).append("</td><td>").append(esc(p.status()))
                    .append("</td><td class=\"num\">").append(p.open()).append("</td><td class=\"num\">").append(p.resolved())
                    .append("</td><td class=\"num\">").append(p.percentDone()).append("%</td><td>")
                    .append(esc(DAY.format(Instant.ofEpochMilli(p.firstNonConforming())))).append("</td><td>")
                    .append(esc(DAY.format(Instant.ofEpochMilli(p.due())))).append("</td><td>").append(esc(first)).append("</td></tr>");
        }
        b.append("</table>");
    }
}
