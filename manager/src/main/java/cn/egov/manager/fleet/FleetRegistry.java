package cn.egov.manager.fleet;

import java.sql.SQLException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fleet: each box's status and last figures, kept in memory. It changes only through
 * {@link #update}, whose work stores the change (the ingest writer in the transaction of the
 * messages that caused it, the MISSING check in its own): the registry takes the new states over
 * only when that work returned, so a rolled-back transaction leaves it as it was, and memory never
 * shows what the store does not hold. Reads ({@link #get}, {@link #list}) never wait for an update.
 * Transitions: see {@link FleetChanges}.
 */
public final class FleetRegistry {

    /**
     * Work that changes boxes and stores the change, e.g. one database transaction.
     *
     * @param <T> what the work returns
     */
    @FunctionalInterface
    public interface Update<T> {
        /** @throws SQLException when the change was not stored: the registry then stays as it was */
        T apply(FleetChanges changes) throws SQLException;
    }

    private final Map<String, BoxState> boxes = new ConcurrentHashMap<>();
    private final PlaceNames names;
    private final MissingRule missingRule;
    private final int defaultHealthIntervalS;

    public FleetRegistry(PlaceNames names, int missingFactor, int defaultHealthIntervalS) {
        this.names = names;
        this.missingRule = new MissingRule(missingFactor);
        this.defaultHealthIntervalS = defaultHealthIntervalS;
    }

    private volatile long loadedAt;

    /** Restores the registry from the store at start; {@code readAt}: when the rows were read (ms). */
    public synchronized void load(Collection<BoxState> stored, long readAt) {
        stored.forEach(b -> boxes.put(b.clientId(), b));
        loadedAt = readAt;
    }

    /** When the registry was last restored from the store (ms), 0 if never. */
    public long loadedAt() {
        return loadedAt;
    }

    /**
     * Runs {@code work} with a fresh set of changes and takes them over when it returns normally.
     * Updates run one at a time (the ingest writer, the MISSING check and the take-over of what
     * other nodes stored), so each reads the state the previous one left, and a read of the store
     * made inside an update sees every change this node stored before it.
     */
    public synchronized <T> T update(Update<T> work) throws SQLException {
        FleetChanges changes = new FleetChanges(this);
        T result = work.apply(changes);
        changes.changed().forEach(s -> boxes.put(s.clientId(), s));
        return result;
    }

    public Optional<BoxState> get(String clientId) {
        return Optional.ofNullable(boxes.get(clientId));
    }

    /** All boxes ordered by city, county, client id. */
    public List<BoxState> list() {
        return boxes.values().stream()
                .sorted(Comparator.comparing((BoxState b) -> b.place().cityCode())
                        .thenComparing(b -> b.place().countyCode()).thenComparing(BoxState::clientId))
                .toList();
    }

    /** When a connected box is MISSING ({@code fleet.missing-factor}). */
    public MissingRule missingRule() {
        return missingRule;
    }

    PlaceNames names() {
        return names;
    }

    int defaultHealthIntervalS() {
        return defaultHealthIntervalS;
    }
}
