package cn.egov.manager.ingest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The manager parts' listeners on stored messages; one failing listener does not stop the others. */
public final class TelemetryListeners {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryListeners.class);
    private final List<TelemetryListener> listeners = new CopyOnWriteArrayList<>();

    public void add(TelemetryListener l) {
        listeners.add(l);
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
