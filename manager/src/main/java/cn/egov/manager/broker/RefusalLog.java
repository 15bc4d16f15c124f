package cn.egov.manager.broker;

import cn.egov.api.text.LogSafe;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every refused CONNECT: counted per reason, logged in one line (text from the client through
 * {@link LogSafe}), and handed to a listener (the manager raises an alarm from it).
 */
public final class RefusalLog {

    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);

    /**
     * One refused connection.
     *
     * @param listener where it came in (null if that could not be told)
     * @param remote   the client's address, as Artemis reports it
     * @param clientId the client id it asked for (from outside: may hold anything)
     * @param username the user name it gave, or null
     * @param refusal  why
     */
    public record Refused(Listener listener, String remote, String clientId, String username, Verdict.Refused refusal) {
    }

    /** Told about every refusal, on the broker's thread: must return at once. */
    @FunctionalInterface
    public interface Sink {
        void refused(Refused r);
    }

    private final Map<ConnectRefusal, LongAdder> counts = new EnumMap<>(ConnectRefusal.class);
    private final Sink sink;

    public RefusalLog(Sink sink) {
        for (ConnectRefusal r : ConnectRefusal.values()) {
            counts.put(r, new LongAdder());
        }
        this.sink = sink;
    }

    void record(Refused r) {
        counts.get(r.refusal().reason()).increment();
        LOG.warn("refused MQTT connection on the {} listener from {}: client '{}', user '{}': {}: {}",
                r.listener() == null ? "unknown" : r.listener().domain,
                LogSafe.of(r.remote()), LogSafe.of(r.clientId()), LogSafe.of(r.username()), r.refusal().reason().label,
                LogSafe.of(r.refusal().detail()));
        sink.refused(r);
    }

    public long count(ConnectRefusal reason) {
        return counts.get(reason).sum();
    }

    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
