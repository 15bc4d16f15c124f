package cn.egov.api.web;

import java.nio.channels.SelectableChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;

/**
 * The bound on one Jetty server's open connections. Jetty's thread pool queue has no real bound and grows with the
 * connections open, so the connections are what is bounded: at {@link #max()} open the server stops accepting (Jetty's
 * {@link NetworkConnectionLimit}); a further client waits in the kernel's listen backlog, unserved, until one closes.
 * The cap counts the times the limit was reached and tells its {@link Listener}, for the server's alarm. Example:
 * <pre>{@code
 * ConnectionCap cap = ConnectionCap.on(server, 200, max -> alarms.note(...));   // after server.addConnector(...)
 * meters.gauge("web.connections.open", ..., cap::open);
 * }</pre>
 */
public final class ConnectionCap extends NetworkConnectionLimit {

    /** Told once each time the limit is reached; runs on Jetty's accepting thread, which accepts nothing meanwhile. */
    @FunctionalInterface
    public interface Listener {
        void limitReached(int max);
    }

    /** Alarm: an HTTP server (the manager's or the box's) reached its connection limit and accepts no more until one closes. */
    public static final String CONNECTION_LIMIT_ALARM = "http.connection-limit";

    private final int max;
    private final Listener listener;
    private final LongAdder reached = new LongAdder();
    /** The count of {@link #reached} the listener was last told of: it is told outside Jetty's lock. */
    private final AtomicLong told = new AtomicLong();
    private volatile boolean atLimit;

    private ConnectionCap(int max, Server server, Listener listener) {
        super(max, server);
        this.max = max;
        this.listener = listener;
    }

    /**
     * Bounds {@code server}'s connectors (added before) to {@code max} open connections.
     *
     * @throws IllegalArgumentException when {@code max} is not positive
     */
    public static ConnectionCap on(Server server, int max, Listener listener) {
        if (max <= 0) {
            throw new IllegalArgumentException("a connection limit must be positive, got " + max);
        }
        ConnectionCap cap = new ConnectionCap(max, server, listener);
        server.addBean(cap);
        return cap;
    }

    @Override
    protected void limit() {
        super.limit(); // under Jetty's lock: count only, the listener is told after
        reached.increment();
        atLimit = true;
    }

    @Override
    protected void unlimit() {
        atLimit = false;
        super.unlimit();
    }

    @Override
    public void onAccepting(SelectableChannel channel) {
        super.onAccepting(channel);
        tell();
    }

    @Override
    public void onAccepted(SelectableChannel channel) {
        super.onAccepted(channel);
        tell();
    }

    private void tell() {
        long now = reached.sum();
        long before = told.get();
        if (now > before && told.compareAndSet(before, now)) {
            listener.limitReached(max);
        }
    }

    /** The most connections open at once. */
    public int max() {
        return max;
    }

    /** Connections open now (accepted and not yet closed). */
    public int open() {
        return getNetworkConnectionCount();
    }

    /** True while the server accepts no connection because {@link #max()} are open. */
    public boolean atLimit() {
        return atLimit;
    }

    /** Times the limit was reached (the server stopped accepting), since start. */
    public long timesReached() {
        return reached.sum();
    }
}
