package cn.egov.manager.taskbook;

import cn.egov.manager.evidence.Scope;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.QueryFilters;
import java.util.function.Predicate;
import org.eclipse.jetty.util.Fields;

/**
 * What a task-book request asks for: {@code ?year=2026&scope=1306}. The year defaults to the
 * current one (Beijing time) and must lie between {@link #FIRST_YEAR} and it; the scope defaults
 * to the province (a technician's: its first county, and never more than its counties).
 */
record TaskbookQuery(int year, Scope scope) {

    /** The first year a task book can be asked for. */
    static final int FIRST_YEAR = 2004;

    /** A scope the caller may not see, or one that does not exist: both answered {@code no such scope}. */
    static final class NotVisible extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /** Reads the query; a scope {@code known} does not admit (no unit of the plan or the fleet in it) is {@link NotVisible}. */
    static TaskbookQuery of(Fields q, Caller caller, int currentYear, Predicate<Scope> known) throws NotVisible {
        String y = q.getValue("year");
        int year;
        try {
            year = y == null || y.isBlank() ? currentYear : Integer.parseInt(y.strip());
        } catch (NumberFormatException e) {
            throw QueryFilters.bad("year", "a year like " + currentYear, y);
        }
        if (year < FIRST_YEAR || year > currentYear) {
            throw new IllegalArgumentException("year must be between " + FIRST_YEAR + " and " + currentYear + ", got " + year);
        }
        String s = q.getValue("scope");
        Scope scope = s == null || s.isBlank() ? new Scope(caller.provinceWide() ? Scope.PROVINCE : caller.counties().first()) : Scope.parse(s);
        if (!caller.provinceWide() && (scope.code().length() < 6 || !caller.sees(scope.code()))) {
            throw new NotVisible();
        }
        if (s != null && !s.isBlank() && !known.test(scope)) {
            throw new NotVisible();
        }
        return new TaskbookQuery(year, scope);
    }

    String parameters() {
        return "year=" + year + "&scope=" + scope.code();
    }
}
