package cn.egov.manager.ca;

import cn.egov.api.web.ConnectionCap;
import cn.egov.manager.web.ConnectionLimit;
import cn.egov.manager.web.JsonErrorHandler;
import java.security.KeyStore;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA's own Jetty server, separate from the manager's web UI because EST needs TLS with
 * optional client certificates from the provincial CA: an HTTPS connector for EST and a plain
 * HTTP connector for CRLs and OCSP. Ports come from the manager configuration
 * ({@code ca.est_port}, {@code ca.http_port}); 0 picks a free port (tests). Their open connections together are bounded
 * ({@code ca.max-connections}, {@link ConnectionCap}).
 *
 * <pre>{@code
 * CrlPublisher crls = new CrlPublisher(ca, caDir.resolve("crl"));
 * crls.start();
 * KeyStore tls = EstTlsIdentity.loadOrIssue(ca, caDir, pass, List.of("ca.hebei.gov.cn"), List.of());
 * try (CaHttpServer server = CaHttpServer.start(ca, crls, tls, pass, "0.0.0.0", 8443, 8081)) { ... }
 * }</pre>
 */
public final class CaHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CaHttpServer.class);

    private final Server server;
    private final ServerConnector https;
    private final ServerConnector http;
    private final ConnectionCap connections;
    /** Until the manager's alarms are there ({@link #report}), or alone ({@code manager ca serve}): a log line. */
    private volatile ConnectionCap.Listener atLimit = max -> LOG.warn("the CA's server has {} connections open ({}) and accepts no"
            + " more until one closes", max, CaConfigKey.MAX_CONNECTIONS.key());

    private CaHttpServer(Server server, ServerConnector https, ServerConnector http, int maxConnections) {
        this.server = server;
        this.https = https;
        this.http = http;
        this.connections = ConnectionCap.on(server, maxConnections, max -> atLimit.limitReached(max));
    }

    /** @param maxConnections most connections both connectors hold open at once */
    public static CaHttpServer start(ProvincialCa ca, CrlPublisher crls, KeyStore tlsKeyStore, char[] tlsPassphrase,
                                     String host, int httpsPort, int httpPort, int maxConnections) throws Exception {
        Server server = new Server();

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(tlsKeyStore);
        tls.setKeyStorePassword(new String(tlsPassphrase));
        tls.setTrustStore(EstTlsIdentity.trustStore(ca));
        // EST cacerts and simpleenroll work without a client certificate; simplereenroll needs one
        tls.setWantClientAuth(true);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");

        HttpConfiguration httpsConfig = new HttpConfiguration();
        httpsConfig.setSendServerVersion(false);
        SecureRequestCustomizer src = new SecureRequestCustomizer();
        src.setSniHostCheck(false);
        httpsConfig.addCustomizer(src);
        ServerConnector httpsConnector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(httpsConfig));
        httpsConnector.setHost(host);
        httpsConnector.setPort(httpsPort);

        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(false);
        // OCSP GET (RFC 6960 Appendix A) puts URL-encoded base64 in the path, '/' as %2F included
        httpConfig.setUriCompliance(UriCompliance.DEFAULT.with("ocsp-get",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        ServerConnector httpConnector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        httpConnector.setHost(host);
        httpConnector.setPort(httpPort);
        server.addConnector(httpsConnector);
        server.addConnector(httpConnector);

        server.setErrorHandler(new JsonErrorHandler()); // not Jetty's page naming itself and its version
        server.setHandler(new Handler.Sequence(new EstHandler(ca), new CrlAndOcspHandler(crls, new OcspResponder(ca))));
        CaHttpServer started = new CaHttpServer(server, httpsConnector, httpConnector, maxConnections);
        try {
            server.start();
        } catch (Exception e) {
            server.stop(); // a port in use: release the threads and the other connector
            throw e;
        }
        return started;
    }

    /** Reports the connections through the manager's meters and alarms from now on ({@code limit}'s max is this server's). */
    public void report(ConnectionLimit limit) {
        limit.report(connections);
        atLimit = limit::alarm;
    }

    /** The bound on open connections, with their count and the times it was reached. */
    public ConnectionCap connections() {
        return connections;
    }

    public int httpsPort() {
        return https.getLocalPort();
    }

    public int httpPort() {
        return http.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
