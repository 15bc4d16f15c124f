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
     * @param certificate the serial (hex) of the client certificate it presented, or null (none, or a listener without TLS)
     */
    public record Refused(Listener listener, String remote, String clientId, String username, Verdict.Refused refusal,
                          String certificate) {

        /**
         * Who tried: the certificate, else the address without its port. A client may make up a new client id at every
         * attempt, so alarms are grouped by this, not by the id it asked for.
         */
        public String who() {
            if (certificate != null) {
                return "certificate " + certificate;
            }
            String host = remote == null ? "?" : remote.replaceFirst("^/", "");
            int port = host.lastIndexOf(':');
            return "host " + (port > 0 && host.indexOf(':') == port ? host.substring(0, port) // IPv4 a.b.c.d:port
                    : host.startsWith("[") && host.contains("]") ? host.substring(0, host.indexOf(']') + 1) : host);
        }
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
