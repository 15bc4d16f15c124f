package cn.egov.manager.fleet;

import cn.egov.manager.store.Database;
import java.sql.Connection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodically marks overdue boxes MISSING: judged on the stored rows (the province's view, also
 * of boxes whose messages another manager node stored), stored first, then shown.
 */
public final class MissingWatch implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(MissingWatch.class);
    private final FleetRegistry fleet;
    private final Database database;

    public MissingWatch(FleetRegistry fleet, Database database) {
        this.fleet = fleet;
        this.database = database;
    }

    @Override
    public void run() {
        try {
            check(System.currentTimeMillis()).forEach(b -> LOG.warn("box {} is MISSING: {}", b.clientId(), b.lastStatusCause()));
        } catch (Exception e) {
            LOG.error("missing check failed: {}", e.toString());
        }
    }

    /**
     * One check at {@code now}: the boxes it marked MISSING, stored and taken over by the registry.
     * The overdue rows are read before taking the registry's lock (the ingest writer waits on it);
     * only the marking, conditional on the rows as read, runs under it.
     */
    public List<BoxState> check(long now) throws java.sql.SQLException {
        List<BoxStore.Overdue> overdue;
        try (Connection c = database.connect()) {
            overdue = BoxStore.overdue(c, fleet.missingRule(), now);
        }
        if (overdue.isEmpty()) {
            return List.of();
        }
        return fleet.update(changes -> {
            try (Connection c = database.connect()) {
                List<BoxState> missing = BoxStore.markMissing(c, fleet.names(), overdue, now);
                changes.stored(missing);
                return missing;
            }
        });
    }
}
