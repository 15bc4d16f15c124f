package cn.egov.manager.report;

import cn.egov.manager.evidence.Period;
import cn.egov.manager.evidence.Scope;
import cn.egov.manager.web.Caller;
import java.time.LocalDate;
import java.util.function.Predicate;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * What a report request asks for: {@code ?scope=1306&from=2026-01-01&to=2026-03-31}. The scope
 * defaults to the province (a technician's: its first county); the period to the last 30 days.
 *
 * @param scope  the province, a city, a county or a unit
 * @param period whole days
 */
record ReportQuery(Scope scope, Period period) {

    /** A scope the caller may not see, or one that does not exist: both answered {@code no such scope}. */
    static final class NotVisible extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Reads the query. Bad parameters throw {@link IllegalArgumentException} with a message for the
     * caller; a technician asking for more than its counties, or anyone naming a scope {@code known}
     * does not admit (no unit of the plan or the fleet in it), gets {@link NotVisible}.
     */
    static ReportQuery of(Request request, Caller caller, LocalDate today, int maxDays, Predicate<Scope> known) throws NotVisible {
        Fields q = Request.extractQueryParameters(request);
        String scopeText = q.getValue("scope");
        Scope scope = scopeText == null || scopeText.isBlank()
                ? new Scope(caller.provinceWide() ? Scope.PROVINCE : caller.counties().first())
                : Scope.parse(scopeText);
        if (!caller.provinceWide() && (scope.code().length() < 6 || !caller.sees(scope.code()))) {
            throw new NotVisible();
        }
        if (scopeText != null && !scopeText.isBlank() && !known.test(scope)) {
            throw new NotVisible();
        }
        return new ReportQuery(scope, Period.parse(q.getValue("from"), q.getValue("to"), today, maxDays));
    }

    /** {@code scope=1306&from=…&to=…} for links to the same report. */
    String parameters() {
        return "scope=" + scope.code() + "&from=" + period.from() + "&to=" + period.to();
    }
}
