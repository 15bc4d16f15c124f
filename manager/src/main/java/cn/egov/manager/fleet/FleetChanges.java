package cn.egov.manager.fleet;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.rules.unit.UnitCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes of one {@link FleetRegistry#update}: each transition reads the box's state as
 * changed so far in this update (else as the registry has it) and records the new state here,
 * not in the registry. The registry takes them over only after the update's work (the store's
 * transaction) succeeded. Transitions: BIRTH → CONNECTED; DC or LWT → DISCONNECTED; health while
 * MISSING → CONNECTED. MISSING itself is judged on the stored rows ({@link BoxStore#markMissing}).
 */
public final class FleetChanges {

    private final FleetRegistry registry;
    private final Map<String, BoxState> changed = new LinkedHashMap<>();

    FleetChanges(FleetRegistry registry) {
        this.registry = registry;
    }

    /** The states changed so far, in the order first changed. */
    public Collection<BoxState> changed() {
        return List.copyOf(changed.values());
    }

    private BoxState current(String clientId) {
        BoxState s = changed.get(clientId);
        return s != null ? s : registry.get(clientId).orElse(null);
    }

    /**
     * The cause of a state made from a message of a box whose BIRTH this node has not seen: its
     * name, interval, firmware and address are placeholders, which never overwrite a stored BIRTH's
     * ({@link BoxStore#upsert}).
     */
    static final String NO_BIRTH_CAUSE = "first message without BIRTH";

    private BoxState put(BoxState s) {
        changed.put(s.clientId(), s);
        return s;
    }

    public BoxState onBirth(UnitCode unit, KuraPayload birth, long at) {
        BoxState old = current(unit.toString());
        Long interval = birth.longMetric(BoxMetrics.HEALTH_INTERVAL_S);
        String display = birth.stringMetric(BoxMetrics.DISPLAY_NAME);
        return put(new BoxState(unit.toString(), Place.of(unit, registry.names()),
                display != null ? display : old != null ? old.displayName() : unit.toString(),
                BoxStatus.CONNECTED, at, at, old == null ? 0 : old.lastHealth(),
                interval != null && interval > 0 ? interval.intValue() : registry.defaultHealthIntervalS(),
                birth.stringMetric(BoxMetrics.FIRMWARE_VERSION), birth.stringMetric(BoxMetrics.CONNECTION_IP),
                old == null ? Map.of() : old.healthFigures(), "BIRTH"));
    }

    /** DC or LWT: {@code cause} says which. */
    public BoxState onDisconnect(UnitCode unit, String cause, long at) {
        return put(seen(unit, at).withStatus(BoxStatus.DISCONNECTED, at, cause));
    }

    public BoxState onHealth(UnitCode unit, KuraPayload health, long at) {
        // one new state per message, made at once (the storm's writer made three, each copying the figures)
        BoxState b = current(unit.toString());
        if (b == null) {
            b = firstSeen(unit, at);
        }
        boolean resumed = b.status() == BoxStatus.MISSING;
        return put(new BoxState(b.clientId(), b.place(), b.displayName(), resumed ? BoxStatus.CONNECTED : b.status(),
                resumed ? at : b.statusSince(), at, at, b.healthIntervalS(), b.firmwareVersion(),
                b.connectionIp(), health.metrics(), resumed ? "health resumed" : b.lastStatusCause()));
    }

    /** Any other message: only the last-seen time changes. */
    public BoxState onMessage(UnitCode unit, long at) {
        return put(seen(unit, at));
    }

    private BoxState seen(UnitCode unit, long at) {
        BoxState b = current(unit.toString());
        if (b == null) {
            return firstSeen(unit, at);
        }
        if (b.lastSeen() >= at) {
            return b;
        }
        return new BoxState(b.clientId(), b.place(), b.displayName(), b.status(), b.statusSince(), Math.max(at, b.lastSeen()),
                b.lastHealth(), b.healthIntervalS(), b.firmwareVersion(), b.connectionIp(), b.healthFigures(), b.lastStatusCause());
    }

    /** A box we never saw BIRTH from is evidently connected: registered with defaults. */
    private BoxState firstSeen(UnitCode unit, long at) {
        return new BoxState(unit.toString(), Place.of(unit, registry.names()), unit.toString(), BoxStatus.CONNECTED, at, at, 0,
                registry.defaultHealthIntervalS(), null, null, Map.of(), NO_BIRTH_CAUSE);
    }

    /**
     * States read from the store (the MISSING verdict on the rows, or what other manager nodes
     * stored): taken over as they are.
     */
    public void stored(Collection<BoxState> states) {
        states.forEach(this::put);
    }
}
