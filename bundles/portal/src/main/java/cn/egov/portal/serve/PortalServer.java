package cn.egov.portal.serve;

import cn.egov.api.portal.SiteFile;
import cn.egov.portal.mirror.MirrorStore;
import cn.egov.portal.mirror.ServedSites;
import cn.egov.portal.mirror.SiteSnapshot;
import cn.egov.portal.mirror.VerifiedBlobs;
import cn.egov.portal.notice.NoticeBoard;
import java.time.Clock;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The box's own web server for the mirror (Jetty 12): the sites over HTTP and, once the box has its
 * certificate, over HTTPS with it; and the admin endpoint on loopback ({@link AdminHandler}). No
 * server banner, no {@code X-Powered-By}. The HTTPS certificate is the box's: it names the unit's
 * own domain, not every site mirrored (see the README).
 *
 * <pre>{@code
 * PortalServer s = new PortalServer(new PortalServer.Settings("0.0.0.0", 80, "0.0.0.0", 443, 8089, 32, 4096, false),
 *         store, blobs, served, notices, (snap, file) -> repair(file), admin, token, Clock.systemUTC());
 * s.start();
 * s.tls(TlsContexts.of(certificates.current().get()));   // HTTPS on, or its certificate renewed
 * }</pre>
 */
public final class PortalServer implements AutoCloseable {

    /**
     * @param httpBind     address of the HTTP connector
     * @param httpPort     its port (0: free)
     * @param httpsBind    address of the HTTPS connector
     * @param httpsPort    its port (0: free; -1: no HTTPS)
     * @param adminPort    loopback port of the admin endpoint (0: free)
     * @param threads      most threads for blocking work (hashing, banner pages, admin); files are served on the selectors
     * @param cacheFiles   verified files kept mapped
     * @param banner       insert the snapshot banner into HTML pages
     */
    public record Settings(String httpBind, int httpPort, String httpsBind, int httpsPort, int adminPort, int threads, int cacheFiles,
                           boolean banner) {
    }

    private static final String ADMIN = "admin";
    private static final int MIN_THREADS = 4;
    /** Threads accepting connections (Jetty's default for up to 8 cores). */
    private static final int ACCEPTORS = 1;

    private final Server server;
    private final ServerConnector http;
    private final ServerConnector admin;
    private final Settings settings;
    private final int cores;
    private final HttpConfiguration config;
    private ServerConnector https;
    private SslContextFactory.Server tls;

    public PortalServer(Settings settings, MirrorStore store, VerifiedBlobs blobs, ServedSites served, NoticeBoard notices,
                        BiConsumer<SiteSnapshot, SiteFile> tampered, PortalAdmin portalAdmin, String adminToken, Clock clock) {
        this.settings = settings;
        cores = Runtime.getRuntime().availableProcessors();
        // the connectors' acceptor and selector threads come out of the pool too: HTTP and HTTPS one selector per core, admin one
        int connectorThreads = 2 * (ACCEPTORS + cores) + ACCEPTORS + 1;
        QueuedThreadPool pool = new QueuedThreadPool(Math.max(settings.threads(), MIN_THREADS + 2) + connectorThreads, MIN_THREADS);
        pool.setName("portal-http");
        pool.setDaemon(true);
        server = new Server(pool);
        server.setErrorHandler(new PortalErrors());
        config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        http = connector(new HttpConnectionFactory(config));
        http.setHost(settings.httpBind());
        http.setPort(settings.httpPort());
        server.addConnector(http);
        admin = new ServerConnector(server, ACCEPTORS, 1, new HttpConnectionFactory(config));
        admin.setName(ADMIN);
        admin.setHost("127.0.0.1"); // the admin endpoint never listens beyond the box itself
        admin.setPort(settings.adminPort());
        server.addConnector(admin);
        ContentCache cache = new ContentCache(store, blobs, settings.cacheFiles());
        served.onSwap(s -> {
            java.util.Set<String> listed = new java.util.HashSet<>();
            served.all().forEach(x -> x.files().values().forEach(f -> listed.add(f.sha256())));
            cache.retain(listed);
        });
        SiteHandler sites = new SiteHandler(served, cache, notices, settings.banner(), tampered, clock, pool);
        AdminHandler adminHandler = new AdminHandler(adminToken, portalAdmin);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (!ADMIN.equals(request.getConnectionMetaData().getConnector().getName())) {
                    return sites.handle(request, response, callback);
                }
                // reads a body, syncs, writes files: never on a selector thread; answers every request
                Offload.to(pool, request, response, callback, () -> adminHandler.handle(request, response, callback));
                return true;
            }
        });
    }

    /** Requests are served on the selector threads (the server's handler is non-blocking): one selector per core, as nginx's workers. */
    private ServerConnector connector(ConnectionFactory... factories) {
        return new ServerConnector(server, ACCEPTORS, cores, factories);
    }

    public void start() throws Exception {
        server.start();
    }

    /**
     * Serves HTTPS with this context (the box's key and certificate): opens the connector the first
     * time, afterwards swaps the certificate in for new connections (renewal).
     */
    public synchronized void tls(SSLContext context) throws Exception {
        if (settings.httpsPort() < 0) {
            return;
        }
        if (tls != null) {
            tls.reload(f -> f.setSslContext(context));
            return;
        }
        tls = new SslContextFactory.Server();
        tls.setSslContext(context);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration httpsConfig = new HttpConfiguration(config);
        SecureRequestCustomizer src = new SecureRequestCustomizer();
        src.setSniHostCheck(false); // one box certificate, many site names
        httpsConfig.addCustomizer(src);
        https = connector(new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(httpsConfig));
        https.setHost(settings.httpsBind());
        https.setPort(settings.httpsPort());
        server.addConnector(https);
        https.start();
    }

    public int httpPort() {
        return http.getLocalPort();
    }

    /** The HTTPS port, or -1 while HTTPS is off. */
    public synchronized int httpsPort() {
        return https == null ? -1 : https.getLocalPort();
    }

    public int adminPort() {
        return admin.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
