package cn.egov.manager.fleet;

import cn.egov.manager.store.Database;
import java.sql.Connection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Periodically marks overdue boxes MISSING: stored first, then shown. */
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
            List<BoxState> changed = fleet.update(changes -> {
                List<BoxState> missing = changes.markMissing(System.currentTimeMillis());
                if (!missing.isEmpty()) {
                    try (Connection c = database.connect()) {
                        BoxStore.upsert(c, missing);
                    }
                }
                return missing;
            });
            changed.forEach(b -> LOG.warn("box {} is MISSING: {}", b.clientId(), b.lastStatusCause()));
        } catch (Exception e) {
            LOG.error("missing check failed: {}", e.toString());
        }
    }
}
