package cn.egov.manager.console;

import cn.egov.api.time.BeijingTime;
import cn.egov.manager.account.Role;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.Pages;
import cn.egov.manager.web.QueryFilters;
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
 * {@code GET /api/audit[?limit=200]}), kept {@code console.audit-retention-days} (default 400, at
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
    static final int DEFAULT_LIMIT = 200;
    static final int MAX_LIMIT = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(ConsolePart.class);
    private static final KeySpec RETENTION = new KeySpec("console.audit-retention-days",
            String.valueOf(DEFAULT_RETENTION_DAYS), "Days the audit log keeps an entry (at least " + MIN_RETENTION_DAYS
            + ": the yearly inspection reads the whole year); older entries are deleted once a day.",
            KeySpec.atLeast(MIN_RETENTION_DAYS, false));

    /** One line of the page. */
    record Line(String time, AuditEntry entry) {
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
        ctx.routes().page("/audit", "审计日志 Audit log", readers, (request, response, callback) -> {
            int limit = DEFAULT_LIMIT;
            String problem = "";
            try {
                limit = limit(request);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage(); // the newest DEFAULT_LIMIT with the reason on top, not a JSON body
            }
            List<Line> lines = audit.newest(limit).stream().map(e -> new Line(BeijingTime.of(Instant.ofEpochMilli(e.time())), e)).toList();
            var frame = Pages.frame(request, ctx.routes(), "审计日志 Audit log");
            String refused = problem;
            return Pages.render(response, callback, problem.isEmpty() ? 200 : 400,
                    out -> JteauditGenerated.render(out, null, frame, lines, retention.toDays(), refused));
        });
        ctx.routes().api("/api/audit", readers, (request, response, callback) -> {
            int limit;
            try {
                limit = limit(request);
            } catch (IllegalArgumentException e) {
                return Json.error(response, callback, 400, e.getMessage());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("retentionDays", retention.toDays());
            out.put("entries", audit.newest(limit));
            return Json.write(response, callback, 200, out);
        });
    }

    /** {@code ?limit=} within 1..{@value #MAX_LIMIT}, {@value #DEFAULT_LIMIT} when absent; else an {@link IllegalArgumentException} naming it. */
    private static int limit(Request request) {
        return (int) QueryFilters.whole("limit", Request.extractQueryParameters(request).getValue("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT);
    }
}
