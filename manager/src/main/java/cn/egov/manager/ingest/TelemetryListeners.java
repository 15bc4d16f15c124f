package cn.egov.manager.ingest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager parts' listeners on stored messages (one failing listener does not stop the others),
 * and the parts that take an application's messages off the session themselves ({@link AppReceiver}).
 */
public final class TelemetryListeners {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryListeners.class);
    private final List<TelemetryListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, AppReceiver> receivers = new ConcurrentHashMap<>();

    public void add(TelemetryListener l) {
        listeners.add(l);
    }

    /**
     * Telemetry of {@code appId} ({@code <account>/<box>/<appId>/...}) goes to {@code receiver}
     * instead of ingest's store.
     *
     * @throws IllegalStateException when another part receives that application already
     */
    public void receive(String appId, AppReceiver receiver) {
        if (receivers.putIfAbsent(appId, receiver) != null) {
            throw new IllegalStateException("application " + appId + " has a receiver already");
        }
    }

    /** The receiver of {@code appId}, or null: ingest stores its messages. */
    AppReceiver receiverOf(String appId) {
        return receivers.get(appId);
    }

    void fire(List<IngestRecord.Decoded> stored) {
        for (TelemetryListener l : listeners) {
            for (IngestRecord.Decoded m : stored) {
                try {
                    l.onStored(m);
                } catch (RuntimeException e) {
                    LOG.warn("listener {} failed on {}: {}", l, m.raw().topic(), e.toString());
                }
            }
        }
    }
}
