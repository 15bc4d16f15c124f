package cn.egov.manager.duty;

import cn.egov.manager.account.Role;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.web.WebRoute;
import cn.egov.manager.web.WebRoutes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The province's duty office (值班) in the manager, wired in one place: its configuration
 * ({@link DutyConfigKey}, prefix {@code duty.}), its tables ({@link DutyOfficeStore#MIGRATIONS}, its own steps), the intake of
 * the boxes' reports and rosters ({@link DutyIntake} → {@link DutyOffice}), the escalation check on
 * a timer, the receipts sent back to the boxes ({@link ReceiptSender}), metrics, and these routes:
 * <ul>
 *   <li>{@code /duty} (page): waiting reports with 签收, acknowledged ones, who is on duty, refusals —
 *       duty officers, NOC, auditors (only duty officers acknowledge);</li>
 *   <li>{@code GET /api/duty/reports}, {@code GET /api/duty/reports/{id}[/cap]}, {@code POST /api/duty/reports/{id}/ack}
 *       (duty officers): see {@link ReportsHandler};</li>
 *   <li>{@code GET /api/duty/rosters}, {@code GET /api/duty/refusals}.</li>
 * </ul>
 * Stopped with the manager ({@link #close()}).
 */
public final class DutyPart implements ManagerPart {

    /** The part's name: prefix of its keys, {@code schema_history_duty}. */
    public static final String NAME = "duty";
    static final String REPORTS = "/api/duty/reports";
    static final String ROSTERS = "/api/duty/rosters";
    static final String REFUSALS = "/api/duty/refusals";
    static final String ALARMS = "/api/duty/alarms";
    static final String SCRIPT = "/duty/duty.js";
    private static final Logger LOG = LoggerFactory.getLogger(DutyPart.class);

    private final List<AutoCloseable> running = new ArrayList<>();
    private final Clock clock;
    private DutyOffice office;

    public DutyPart() {
        this(Clock.systemUTC());
    }

    /** A part on a clock of the caller's (tests move it). */
    public DutyPart(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Its tables ({@link DutyOfficeStore#MIGRATIONS}): the duty office's reports, refusals and rosters. */
    @Override
    public List<String> migrations() {
        return DutyOfficeStore.MIGRATIONS;
    }

    @Override
    public List<KeySpec> keys() {
        return DutyConfigKey.specs();
    }

    @Override
    public void start(PartContext ctx) throws Exception {
        WebRoutes routes = ctx.routes();
        DutyOfficeSettings settings = DutyOfficeSettings.from(ctx.config());
        DutyOfficeStore store = new DutyOfficeStore(ctx.database());
        ReceiptSender receipts = new ReceiptSender(store, settings, ctx.messenger(), ctx.config().get(ConfigKey.ACCOUNT), ctx.alarms(), clock);
        receipts.start();
        running.add(receipts);
        office = new DutyOffice(store, settings, ctx.alarms(), receipts, clock);
        DutyIntake intake = new DutyIntake(office);
        intake.catchUp(ctx.database(), clock.instant().minus(settings.receiptsDays()));
        ctx.listeners().add(intake);

        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "duty-escalation");
            t.setDaemon(true);
            return t;
        });
        running.add(timer::shutdownNow);
        long period = settings.checkPeriod().toMillis();
        // escalations are province-wide (one node sends them); the refusal alarms this node throttled are its own
        ctx.leadership().every("duty-escalation", "the duty escalations", settings.checkPeriod(), () -> {
            try {
                office.escalateDue();
            } catch (Exception e) {
                LOG.error("duty: escalation check failed: {}", e.toString());
            }
        });
        timer.scheduleWithFixedDelay(office::flushRefusalAlarms, period, period, TimeUnit.MILLISECONDS);

        ctx.meters().gauge("duty.reports.accepted", office.accepted::sum);
        ctx.meters().gauge("duty.reports.refused", office.refused::sum);
        ctx.meters().gauge("duty.escalations", office.escalations::sum);
        ctx.meters().gauge("duty.refusal-alarms.suppressed", office::refusalAlarmsSuppressed);
        ctx.meters().gauge("duty.reports.unacknowledged", () -> count(ctx));
        ctx.meters().gauge("duty.receipts.queue.depth", receipts::depth);
        ctx.meters().gauge("duty.receipts.queue.capacity", settings::receiptsQueue);
        ctx.meters().gauge("duty.receipts.dropped", receipts.dropped::sum);
        ctx.meters().gauge("duty.receipts.sent", receipts.sent::sum);
        ctx.meters().gauge("duty.receipts.failures", receipts.failures::sum);

        Set<Role> readers = EnumSet.of(Role.DUTY_OFFICER, Role.NOC, Role.AUDITOR);
        AuditLog audit = new AuditLog(ctx.database());
        routes.page("/duty", "值班 Duty", readers, new DutyPageHandler(office, ctx.fleet(), routes, clock));
        routes.api(SCRIPT, readers, new DutyScript());
        ReportsHandler reports = new ReportsHandler(office, ctx.fleet(), audit);
        routes.api(REPORTS, readers, reports);
        routes.api(REPORTS + "/*", readers, new WebRoute.Writes(EnumSet.of(Role.DUTY_OFFICER), ReportsHandler.MAX_BODY), reports);
        RostersHandler rosters = new RostersHandler(store, ctx.fleet(), clock);
        routes.api(ROSTERS, readers, rosters);
        routes.api(REFUSALS, readers, rosters);
        routes.api(ALARMS, readers, new DutyAlarmsHandler(store, clock));
    }

    /** The office (for tests that drive the escalation check themselves). */
    public DutyOffice office() {
        return office;
    }

    private static long count(PartContext ctx) {
        try (Connection c = ctx.database().connect();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM duty_reports WHERE acknowledged_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                LOG.warn("duty: stopping {}: {}", running.get(i), e.toString());
            }
        }
        running.clear();
    }
}
