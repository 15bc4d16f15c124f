package cn.egov.manager.console;

import cn.egov.api.time.BeijingTime;
import cn.egov.manager.account.Role;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.audit.AuditPage;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.Pages;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's own part: the audit log for auditors and administrators (page {@code /audit} and
 * {@code GET /api/audit?from=&to=&actor=&action=&before=&limit=}, {@link AuditFilter}; the CSV export of
 * a period {@code GET /api/audit/csv}, {@link AuditExportHandler}), kept {@code console.audit-retention-days} (default 400, at
 * least 366: a year plus margin, so the yearly inspection finds the whole year) and trimmed daily. Log-in, sessions and CSRF are the web
 * shell's; accounts are made with {@code manager account}.
 */
public final class ConsolePart implements ManagerPart {

    /**
     * Classified protection 2.0 asks for six months, but the yearly inspection reads the whole year
     * since the last one: a December inspection must still find January. So never less than a year.
     */
    static final int MIN_RETENTION_DAYS = 366;
    /** A year plus five weeks: an inspection a month late still finds the whole year. */
    static final int DEFAULT_RETENTION_DAYS = 400;
    private static final Logger LOG = LoggerFactory.getLogger(ConsolePart.class);
    private static final KeySpec RETENTION = new KeySpec("console.audit-retention-days",
            String.valueOf(DEFAULT_RETENTION_DAYS), "Days the audit log keeps an entry (at least " + MIN_RETENTION_DAYS
            + ": the yearly inspection reads the whole year); older entries are deleted once a day.",
            KeySpec.atLeast(MIN_RETENTION_DAYS, false));

    /** One line of the page. */
    record Line(String time, AuditEntry entry) {
    }

    /**
     * What the page shows besides the lines: the filters as typed back into the form, the link to
     * the next (older) page or empty, the export link of the same filters.
     */
    record View(AuditFilter filter, String nextLink, String csvLink) {
        String from() {
            return filter.period() == null ? "" : filter.period().from().toString();
        }

        String to() {
            return filter.period() == null ? "" : filter.period().to().toString();
        }

        String actor() {
            return filter.actor() == null ? "" : filter.actor();
        }

        String action() {
            return filter.action() == null ? "" : filter.action();
        }
    }

    @Override
    public String name() {
        return "console";
    }

    @Override
    public List<KeySpec> keys() {
        return List.of(RETENTION);
    }

    @Override
    public void start(PartContext ctx) {
        AuditLog audit = ctx.audit();
        Duration retention = Duration.ofDays(Long.parseLong(ctx.key(RETENTION.shortKey())));
        // deletes from the province's one audit log: one node does it
        ctx.leadership().every("audit-retention", "the audit log retention", Duration.ZERO, Duration.ofDays(1), () -> {
            try {
                int n = audit.deleteBefore(System.currentTimeMillis() - retention.toMillis());
                if (n > 0) {
                    LOG.info("audit log: {} entries older than {} days deleted", n, retention.toDays());
                }
            } catch (Exception e) {
                LOG.error("audit log retention failed: {}", e.toString());
            }
        });
        ctx.meters().gauge("audit.entries", "entries in the audit log", () -> {
            try {
                return audit.count();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        Set<Role> readers = EnumSet.of(Role.AUDITOR, Role.ADMIN);
        // a period may be as long as the log keeps entries: a longer one could hold no more
        int maxDays = (int) retention.toDays();
        Clock clock = Clock.systemUTC();
        ctx.routes().page("/audit", "审计日志 Audit log", readers, (request, response, callback) -> {
            AuditFilter filter = new AuditFilter(null, null, null, Long.MAX_VALUE, AuditFilter.DEFAULT_LIMIT);
            String problem = "";
            try {
                filter = AuditFilter.of(Request.extractQueryParameters(request), clock, maxDays, false);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage(); // the newest entries with the reason on top, not a JSON body
            }
            AuditPage page = audit.find(filter.query());
            List<Line> lines = page.entries().stream().map(e -> new Line(BeijingTime.of(Instant.ofEpochMilli(e.time())), e)).toList();
            String query = filter.queryString();
            View view = new View(filter, page.next() == null ? "" : "/audit?" + query + (query.isEmpty() ? "" : "&") + "before=" + page.next(),
                    "/api/audit/csv" + (query.isEmpty() ? "" : "?" + query));
            var frame = Pages.frame(request, ctx.routes(), "审计日志 Audit log");
            String refused = problem;
            return Pages.render(response, callback, problem.isEmpty() ? 200 : 400,
                    out -> JteauditGenerated.render(out, null, frame, lines, view, retention.toDays(), refused));
        });
        ctx.routes().api("/api/audit", readers, (request, response, callback) -> {
            AuditFilter filter;
            try {
                filter = AuditFilter.of(Request.extractQueryParameters(request), clock, maxDays, false);
            } catch (IllegalArgumentException e) {
                return Json.error(response, callback, 400, e.getMessage());
            }
            AuditPage page = audit.find(filter.query());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("retentionDays", retention.toDays());
            out.put("entries", page.entries());
            out.put("next", page.next());
            return Json.write(response, callback, 200, out);
        });
        // every role reaches the handler, which refuses and audits all but the exporters (as the report's exports)
        ctx.routes().api("/api/audit/csv", EnumSet.allOf(Role.class), new AuditExportHandler(audit, clock, () -> maxDays));
    }
}
