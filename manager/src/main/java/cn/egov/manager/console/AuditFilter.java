package cn.egov.manager.console;

import cn.egov.api.time.BeijingTime;
import cn.egov.manager.audit.AuditQuery;
import cn.egov.manager.evidence.Period;
import cn.egov.manager.web.QueryFilters;
import java.time.Clock;
import java.time.LocalDate;
import org.eclipse.jetty.util.Fields;

/**
 * The filters of {@code /audit}, {@code /api/audit} and {@code /api/audit/csv}:
 * {@code ?from=2026-01-01&to=2026-12-31&actor=zhang.wei&action=ca.revoke&before=1234&limit=200}.
 * The period is whole days of Beijing time, as the report's ({@link Period}); without {@code from}
 * and {@code to} the list has no period and the export the last 30 days. {@code before} is the
 * cursor a page answers as {@code next}. A malformed value is refused with one line naming it
 * ({@link QueryFilters}).
 *
 * @param period the days asked for, or null for all
 * @param actor  exactly this actor, or null
 * @param action exactly this action, or null
 * @param before the cursor (entry id), {@link Long#MAX_VALUE} for the newest
 * @param limit  entries per page
 */
record AuditFilter(Period period, String actor, String action, long before, int limit) {

    static final int DEFAULT_LIMIT = 200;
    static final int MAX_LIMIT = 10_000;
    /** Account names, the API-token users and {@code cli:<OS user>}. */
    private static final String ACTOR = "[A-Za-z0-9._:-]{1,80}";
    /** {@code ca.revoke}, {@code http.post}, {@code account.add}. */
    private static final String ACTION = "[a-z][a-z0-9.-]{0,63}";

    /** The filters of {@code q}; a period may be as long as the log keeps entries ({@code maxDays}). */
    static AuditFilter of(Fields q, Clock clock, int maxDays, boolean periodByDefault) {
        String from = q.getValue("from");
        String to = q.getValue("to");
        boolean asked = !(from == null || from.isEmpty()) || !(to == null || to.isEmpty());
        Period period = asked || periodByDefault
                ? Period.parse(from, to, LocalDate.now(clock.withZone(BeijingTime.ZONE)), maxDays) : null;
        return new AuditFilter(period,
                QueryFilters.matching("actor", q.getValue("actor"), ACTOR, "an account name, noc, auditor or cli:<OS user>"),
                QueryFilters.matching("action", q.getValue("action"), ACTION, "an action like ca.revoke"),
                QueryFilters.whole("before", q.getValue("before"), Long.MAX_VALUE, 1, Long.MAX_VALUE),
                (int) QueryFilters.whole("limit", q.getValue("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT));
    }

    /** The store's query. */
    AuditQuery query() {
        return new AuditQuery(period == null ? 0 : period.start(), period == null ? Long.MAX_VALUE : period.end(), actor, action, before, limit);
    }

    /** The filters as a query string without the cursor (for the next page's and the export's links). */
    String queryString() {
        StringBuilder s = new StringBuilder();
        if (period != null) {
            s.append("from=").append(period.from()).append("&to=").append(period.to());
        }
        append(s, "actor", actor);
        append(s, "action", action);
        if (limit != DEFAULT_LIMIT) {
            append(s, "limit", String.valueOf(limit));
        }
        return s.toString();
    }

    /** What was asked for, for the audit entry of an export: {@code 2026-01-01..2026-12-31 actor=x action=y}. */
    String label() {
        return (period == null ? "all" : period.from() + ".." + period.to()) + (actor == null ? "" : " actor=" + actor)
                + (action == null ? "" : " action=" + action);
    }

    private static void append(StringBuilder s, String name, String value) {
        if (value != null) {
            // the values match ACTOR/ACTION: nothing in them needs URL encoding
            s.append(s.isEmpty() ? "" : "&").append(name).append('=').append(value);
        }
    }
}
