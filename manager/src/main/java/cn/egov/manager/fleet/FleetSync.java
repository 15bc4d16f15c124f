package cn.egov.manager.fleet;

import cn.egov.manager.store.Database;
import java.sql.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With several manager nodes on one database: takes over into this node's registry what the
 * other nodes stored about boxes (a box that reconnected to another node, a MISSING verdict the
 * node holding the watch wrote), so every node's pages show the province's fleet. Each run reads the
 * rows changed since the previous run began, less {@code clockSkewMs} (their times come from the
 * clock of the node that stored them, and a transaction may commit a little after its time). The
 * read runs inside a registry update: no change of this node's own can fall between the read and
 * the take-over, so the stored rows are never older than this node's memory.
 */
public final class FleetSync implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetSync.class);
    private final FleetRegistry fleet;
    private final Database database;
    private final long clockSkewMs;
    private long since;

    /** @param loadedAt when the registry was loaded from the store (ms) */
    public FleetSync(FleetRegistry fleet, Database database, long clockSkewMs, long loadedAt) {
        this.fleet = fleet;
        this.database = database;
        this.clockSkewMs = clockSkewMs;
        this.since = loadedAt;
    }

    @Override
    public void run() {
        long began = System.currentTimeMillis();
        try {
            fleet.update(changes -> {
                try (Connection c = database.connect()) {
                    changes.stored(BoxStore.loadChangedSince(c, fleet.names(), since - clockSkewMs, id -> fleet.get(id).orElse(null)));
                }
                return null;
            });
            since = began;
        } catch (Exception e) {
            LOG.error("taking over the fleet changes of other nodes failed (tried again): {}", e.toString());
        }
    }
}
