package cn.egov.manager.plan;

import cn.egov.api.time.BeijingTime;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Frame;
import cn.egov.manager.web.Pages;
import cn.egov.manager.web.WebRoutes;
import cn.egov.rules.plan.PlanWhois;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /plan} ({@code plan/plan.jte}): the whois form ({@code ?q=}), the remediation list, a unit's allocations
 * ({@code ?unit=}) and the plan's warnings. A technician sees answers, allocations and remediation
 * of the account's counties only; asking about anything else shows the same line as asking about
 * something the plan does not have.
 */
final class PlanPageHandler implements Request.Handler {

    private static final int WARNINGS_SHOWN = 20;

    private final PlanService service;
    private final WebRoutes routes;

    PlanPageHandler(PlanService service, WebRoutes routes) {
        this.service = service;
        this.routes = routes;
    }

    /** What the page shows; each part null or empty when not asked for. */
    record View(boolean hasPlan, String q, Whois whois, Unit unit, List<Remediation> remediation, Summary summary,
                List<String> warnings) {
    }

    /** A whois answer: {@code notVisible}/{@code error} set for an answer not to show. */
    record Whois(String notVisible, String error, PlanWhois.Answer answer, String chain, String within) {
    }

    /** A unit's allocations, or why not. */
    record Unit(String notVisible, String error, AllocationView view, String domains, String nameSpaces) {
    }

    /** One line of the remediation list. */
    record Remediation(UnitProgress p, String since, String due, String first) {
    }

    /** The plan in force, in figures. */
    record Summary(int files, int allocations, int domains, String imported) {
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        var params = Request.extractQueryParameters(request);
        String q = params.getValue("q");
        String unit = params.getValue("unit");
        Caller caller = Caller.of(request);
        var current = service.store().current();
        Frame frame = Pages.frame(request, routes, "地址与域名规划 Address plan").still();
        View view;
        if (current.isEmpty()) {
            view = new View(false, "", null, null, List.of(), null, List.of());
        } else {
            var plan = current.get();
            view = new View(true, q == null ? "" : q, q == null || q.isBlank() ? null : whois(q, caller),
                    unit == null || unit.isBlank() ? null : unitView(unit, caller), remediation(caller),
                    new Summary(plan.files().size(), plan.plan().allocations().size(), plan.plan().domains().size(),
                            day(plan.importedAt())),
                    // warnings name entries anywhere in the province
                    caller.provinceWide() ? plan.findings().stream().limit(WARNINGS_SHOWN).map(String::valueOf).toList() : List.of());
        }
        View v = view;
        return Pages.render(response, callback, 200, out -> JteplanGenerated.render(out, null, frame, v));
    }

    private Whois whois(String q, Caller caller) {
        try {
            var visible = PlanVisibility.whois(service.whois(q).orElseThrow(), caller);
            if (visible.isEmpty()) {
                return new Whois(PlanVisibility.notVisible(q), null, null, "", "");
            }
            PlanWhois.Answer a = visible.get();
            return new Whois(null, null, a, String.join(" ⊂ ", a.chain()), String.join("; ", a.within()));
        } catch (IllegalArgumentException e) {
            return caller.provinceWide() ? new Whois(null, e.getMessage(), null, "", "")
                    : new Whois(PlanVisibility.notVisible(q), null, null, "", "");
        }
    }

    private Unit unitView(String unit, Caller caller) {
        if (!caller.sees(unit)) {
            return new Unit(PlanVisibility.notVisible(unit), null, null, "", "");
        }
        try {
            AllocationView v = service.allocation(unit).orElseThrow();
            return new Unit(null, null, v, String.join(", ", v.domains()), String.join(", ", v.nameSpaces()));
        } catch (IllegalArgumentException e) {
            return new Unit(null, e.getMessage(), null, "", "");
        }
    }

    private List<Remediation> remediation(Caller caller) throws Exception {
        return service.remediation(System.currentTimeMillis()).stream().filter(p -> caller.sees(p.unit()))
                .map(p -> new Remediation(p, day(p.firstNonConforming()), day(p.due()),
                        p.openFindings().isEmpty() ? "" : p.openFindings().get(0).remediation())).toList();
    }

    /** {@code 2026-12-07}: the day in Beijing time. */
    private static String day(long millis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(millis), BeijingTime.ZONE).toString();
    }
}
