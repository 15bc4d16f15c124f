package cn.egov.manager.fleet;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.rules.unit.UnitCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fleet: each box's status and last figures, kept in memory and persisted by the caller
 * (the ingest writer stores every changed {@link BoxState} in the same transaction as the message
 * that changed it). Transitions:
 * BIRTH → CONNECTED; DC or LWT → DISCONNECTED; no health for {@code missingFactor} × the box's
 * health interval while CONNECTED → MISSING; health while MISSING → CONNECTED.
 */
public final class FleetRegistry {

    private final Map<String, BoxState> boxes = new ConcurrentHashMap<>();
    private final PlaceNames names;
    private final int missingFactor;
    private final int defaultHealthIntervalS;

    public FleetRegistry(PlaceNames names, int missingFactor, int defaultHealthIntervalS) {
        this.names = names;
        this.missingFactor = missingFactor;
        this.defaultHealthIntervalS = defaultHealthIntervalS;
    }

    /** Restores the registry from the store at start. */
    public synchronized void load(Collection<BoxState> stored) {
        stored.forEach(b -> boxes.put(b.clientId(), b));
    }

    public synchronized BoxState onBirth(UnitCode unit, KuraPayload birth, long at) {
        BoxState old = boxes.get(unit.toString());
        Long interval = birth.longMetric(BoxMetrics.HEALTH_INTERVAL_S);
        String display = birth.stringMetric(BoxMetrics.DISPLAY_NAME);
        BoxState s = new BoxState(unit.toString(), Place.of(unit, names),
                display != null ? display : old != null ? old.displayName() : unit.toString(),
                BoxStatus.CONNECTED, at, at, old == null ? 0 : old.lastHealth(),
                interval != null && interval > 0 ? interval.intValue() : defaultHealthIntervalS,
                birth.stringMetric(BoxMetrics.FIRMWARE_VERSION), birth.stringMetric(BoxMetrics.CONNECTION_IP),
                old == null ? Map.of() : old.healthFigures(), "BIRTH");
        boxes.put(s.clientId(), s);
        return s;
    }

    /** DC or LWT: {@code cause} says which. */
    public synchronized BoxState onDisconnect(UnitCode unit, String cause, long at) {
        BoxState s = seen(unit, at).withStatus(BoxStatus.DISCONNECTED, at, cause);
        boxes.put(s.clientId(), s);
        return s;
    }

    public synchronized BoxState onHealth(UnitCode unit, KuraPayload health, long at) {
        BoxState b = seen(unit, at);
        BoxStatus status = b.status() == BoxStatus.MISSING ? BoxStatus.CONNECTED : b.status();
        BoxState s = new BoxState(b.clientId(), b.place(), b.displayName(), b.status(), b.statusSince(), at, at,
                b.healthIntervalS(), b.firmwareVersion(), b.connectionIp(), health.metrics(), b.lastStatusCause())
                .withStatus(status, at, "health resumed");
        boxes.put(s.clientId(), s);
        return s;
    }

    /** Any other message: only the last-seen time changes. */
    public synchronized BoxState onMessage(UnitCode unit, long at) {
        BoxState s = seen(unit, at);
        boxes.put(s.clientId(), s);
        return s;
    }

    private BoxState seen(UnitCode unit, long at) {
        BoxState b = boxes.get(unit.toString());
        if (b == null) {
            // A box we never saw BIRTH from is evidently connected: register it with defaults.
            return new BoxState(unit.toString(), Place.of(unit, names), unit.toString(), BoxStatus.CONNECTED, at, at, 0,
                    defaultHealthIntervalS, null, null, Map.of(), "first message without BIRTH");
        }
        return new BoxState(b.clientId(), b.place(), b.displayName(), b.status(), b.statusSince(), Math.max(at, b.lastSeen()),
                b.lastHealth(), b.healthIntervalS(), b.firmwareVersion(), b.connectionIp(), b.healthFigures(), b.lastStatusCause());
    }

    /** Marks CONNECTED boxes whose health is overdue as MISSING; returns the boxes that changed. */
    public synchronized List<BoxState> markMissing(long now) {
        List<BoxState> changed = new ArrayList<>();
        for (BoxState b : boxes.values()) {
            if (b.status() != BoxStatus.CONNECTED) {
                continue;
            }
            long since = Math.max(b.lastHealth(), b.statusSince());
            long allowedMs = (long) missingFactor * b.healthIntervalS() * 1000L;
            if (now - since > allowedMs) {
                BoxState s = b.withStatus(BoxStatus.MISSING, now,
                        "no health for " + (now - since) / 1000 + " s (" + missingFactor + " × " + b.healthIntervalS() + " s)");
                boxes.put(s.clientId(), s);
                changed.add(s);
            }
        }
        return changed;
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

    public int missingFactor() {
        return missingFactor;
    }
}
