package cn.egov.console.web;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.web.ConnectionCap;
import cn.egov.console.tls.ConsoleTls;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty for the console: HTTPS only, one acceptor and one selector, a small thread pool (the box
 * has 64 MB of heap and two cores, and a handful of people use its console), no version banners. Its open
 * connections are bounded ({@link ConnectionCap}): at the limit it accepts no more until one closes, and raises the
 * {@value ConnectionCap#CONNECTION_LIMIT_ALARM} alarm.
 */
public final class ConsoleServer implements AutoCloseable {
    /** Threads Jetty itself keeps busy: one acceptor, one selector. */
    static final int ACCEPTORS = 1;
    static final int SELECTORS = 1;

    /**
     * @param bind     address to listen on ({@code 0.0.0.0} for every interface)
     * @param port     TCP port (0: any free one, for tests)
     * @param threads  the most threads of the pool, acceptor and selector included
     * @param idleMs   how long an idle connection is kept
     * @param maxConnections most connections open at once
     */
    public record Settings(String bind, int port, int threads, long idleMs, int maxConnections) {
    }

    private final Server server;
    private final ServerConnector connector;
    private final ConnectionCap connections;

    /**
     * @param alarms takes the {@value ConnectionCap#CONNECTION_LIMIT_ALARM} alarm on Jetty's accepting thread: it must hand it on, not
     *               publish it there
     */
    public ConsoleServer(Settings settings, ConsoleTls tls, Handler handler, Consumer<Alarm> alarms) {
        QueuedThreadPool pool = new QueuedThreadPool(settings.threads(), Math.min(2, settings.threads()));
        pool.setName("console");
        pool.setReservedThreads(0);
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSecureScheme("https");
        // No HSTS: a browser that remembers it refuses a changed certificate outright, and the console's
        // certificate does change (bootstrap, then the box certificate), so a technician would be locked out.
        http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
        connector = new ServerConnector(server, ACCEPTORS, SELECTORS,
                new SslConnectionFactory(tls.factory(), HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(http));
        connector.setHost(settings.bind());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleMs());
        server.addConnector(connector);
        connections = ConnectionCap.on(server, settings.maxConnections(), max -> alarms.accept(new Alarm(ConnectionCap.CONNECTION_LIMIT_ALARM,
                Alarm.Severity.MAJOR, "console", "the console has " + max + " connections open (console.max.connections) and accepts"
                + " no more until one closes", Map.of("server", "console", "max_connections", Integer.toString(max),
                "times_reached", Long.toString(connections().timesReached())), System.currentTimeMillis())));
        server.setHandler(handler);
        server.setErrorHandler(new ConsoleErrorHandler());
        server.setStopTimeout(2_000);
    }

    public void start() throws Exception {
        server.start();
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The bound on open connections, with their count and the times it was reached. */
    public ConnectionCap connections() {
        return connections;
    }

    public URI uri() {
        String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0") ? "127.0.0.1" : connector.getHost();
        return URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), port());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
