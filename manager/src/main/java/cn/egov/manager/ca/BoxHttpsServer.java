package cn.egov.manager.ca;

import cn.egov.api.text.LogSafe;
import cn.egov.api.web.ConnectionCap;
import cn.egov.manager.web.ConnectionLimit;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.JsonErrorHandler;
import cn.egov.rules.unit.UnitCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
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
import org.eclipse.jetty.util.thread.ThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server only boxes talk to (the portal's content, the exchange's documents, box updates): HTTPS with a key and
 * certificate the provincial CA issues at each start, mutual TLS against the CA's roots, and at every request the
 * box's identity from its certificate ({@link BoxCertificateCheck}). A request without a good box certificate never
 * reaches the server's own {@link BoxHandler}: it is refused with 403, one log line and a count. The server's errors
 * are the manager's one-line JSON ones, without Jetty's page naming itself and its version. Its open connections are
 * bounded ({@link ConnectionLimit}).
 */
public final class BoxHttpsServer implements AutoCloseable {

    /** What a server does for a box whose certificate it accepted; the box acts only as {@code box}. */
    @FunctionalInterface
    public interface BoxHandler {
        boolean handle(UnitCode box, String path, Request request, Response response, Callback callback) throws Exception;
    }

    /** Where a server's refusals are counted and logged, in its own name. */
    public static final class Refusals {
        private static final Logger LOG = LoggerFactory.getLogger(BoxHttpsServer.class);
        private final String server;
        private final LongAdder count = new LongAdder();

        /** {@code server} names the server in the log line, e.g. "portal content server". */
        public Refusals(String server) {
            this.server = server;
        }

        /** Answers {@code status} with {@code {"error": why}}; the path, unit and reason may hold outside text. */
        public boolean refuse(Response response, Callback callback, int status, String why, String path, String unit) {
            count.increment();
            LOG.warn("{} refused {} for unit {} ({}): {}", server, LogSafe.of(path), LogSafe.of(unit), status, LogSafe.of(why));
            return Json.write(response, callback, status, Map.of("error", why));
        }

        public long count() {
            return count.sum();
        }
    }

    /** Where the server listens and the names and addresses its certificate carries. */
    public record Listen(String alias, String bind, int port, List<String> dnsNames, List<String> ips) {
    }

    private final Server server;
    private final ServerConnector connector;
    private final ConnectionCap connections;

    /** Starts the server; {@code threads} null for Jetty's default pool. */
    public BoxHttpsServer(ProvincialCa ca, Listen listen, ThreadPool threads, Refusals refusals, ConnectionLimit connectionLimit,
                          BoxHandler handler) throws Exception {
        server = threads == null ? new Server() : new Server(threads);
        server.setErrorHandler(new JsonErrorHandler());
        connector = connector(server, ca, listen);
        server.addConnector(connector);
        connections = connectionLimit.applyTo(server);
        BoxCertificateCheck boxes = new BoxCertificateCheck(ca);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                BoxCertificateCheck.Result who = boxes.check(request);
                String path = Request.getPathInContext(request);
                if (!who.ok()) {
                    return refusals.refuse(response, callback, 403, who.refusal(), path, "?");
                }
                return handler.handle(who.unit(), path, request, response, callback);
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            server.stop(); // a port in use: release the threads
            throw e;
        }
    }

    private static ServerConnector connector(Server server, ProvincialCa ca, Listen listen) throws Exception {
        ServerKeyStore identity = ServerKeyStore.issue(ca, listen.alias(), listen.dnsNames(), listen.ips());
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(identity.keyStore());
        tls.setKeyStorePassword(new String(identity.password()));
        tls.setTrustStore(EstTlsIdentity.trustStore(ca));
        tls.setNeedClientAuth(true);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        SecureRequestCustomizer src = new SecureRequestCustomizer();
        src.setSniHostCheck(false);
        config.addCustomizer(src);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(config));
        connector.setHost(listen.bind());
        connector.setPort(listen.port());
        return connector;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The bound on open connections, with their count and the times it was reached. */
    public ConnectionCap connections() {
        return connections;
    }

    public String url() {
        return "https://" + connector.getHost() + ":" + port();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
