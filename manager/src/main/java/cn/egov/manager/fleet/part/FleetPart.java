package cn.egov.manager.fleet.part;

import cn.egov.manager.account.Role;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.fleet.FleetSync;
import cn.egov.manager.fleet.MissingWatch;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.part.PartContext;
import cn.egov.manager.store.Database;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The fleet as a part: the NOC's page and the boxes' REST routes, the MISSING check (a singleton: one node of several runs it),
 * on PostgreSQL the take-over of what other nodes stored about boxes ({@link FleetSync}, every node), and
 * the fleet's meters ({@code fleet.boxes{status=...}}). The registry itself ({@link FleetRegistry}) is
 * the shell's: ingestion updates it, every part reads it. Its keys ({@code fleet.*}) are the core's
 * ({@code ConfigKey}), read by the registry at start.
 * <ul>
 *   <li>{@code /fleet} (page), {@code GET /api/boxes}, {@code GET /api/boxes/{id}}: NOC, auditors, duty
 *       officers; technicians for the boxes of their counties</li>
 * </ul>
 */
public final class FleetPart implements ManagerPart {

    private final cn.egov.manager.fleet.BoxUpdates updates;
    private ScheduledExecutorService syncTimer;

    /** A fleet part showing no box update states. */
    public FleetPart() {
        this(cn.egov.manager.fleet.BoxUpdates.NONE);
    }

    /** @param updates each box's newest box update (the update part's), shown on the fleet page */
    public FleetPart(cn.egov.manager.fleet.BoxUpdates updates) {
        this.updates = updates;
    }

    @Override
    public String name() {
        return "fleet";
    }

    @Override
    public void start(PartContext ctx) {
        FleetRegistry fleet = ctx.fleet();
        long checkPeriodMs = ctx.config().integer(ConfigKey.FLEET_CHECK_PERIOD_MS);
        // a province-wide verdict: one node marks boxes MISSING
        ctx.leadership().every("missing-watch", "the MISSING watch", Duration.ofMillis(checkPeriodMs),
                new MissingWatch(fleet, ctx.database()));
        if (ctx.database().kind() == Database.Kind.POSTGRESQL) {
            // several nodes may share the database: show what the others stored about boxes too (node-local)
            long syncMs = ctx.config().integer(ConfigKey.FLEET_SYNC_PERIOD_MS);
            FleetSync sync = new FleetSync(fleet, ctx.database(), ctx.config().integer(ConfigKey.FLEET_CLOCK_SKEW_MS), fleet.loadedAt());
            syncTimer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "fleet-sync");
                t.setDaemon(true);
                return t;
            });
            syncTimer.scheduleWithFixedDelay(sync, syncMs, syncMs, TimeUnit.MILLISECONDS);
        }
        for (BoxStatus s : BoxStatus.values()) {
            ctx.meters().gauge("fleet." + s.name().toLowerCase(Locale.ROOT), "boxes " + s.name() + " now",
                    () -> fleet.list().stream().filter(b -> b.status() == s).count());
        }
        Set<Role> watchers = EnumSet.of(Role.NOC, Role.AUDITOR, Role.TECHNICIAN, Role.DUTY_OFFICER);
        ctx.routes().page("/fleet", "设备 Fleet", watchers, new FleetPageHandler(fleet, updates, ctx.routes()));
        ctx.routes().api("/api/boxes", watchers, new BoxListHandler(fleet));
        ctx.routes().api("/api/boxes/*", watchers, new BoxDetailHandler(fleet, ctx.alarms()));
    }

    @Override
    public void close() {
        if (syncTimer != null) {
            syncTimer.shutdownNow();
        }
    }
}
