package cn.egov.manager.ca;

import cn.egov.manager.web.JsonErrorHandler;
import java.util.List;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTPS connector of a server that only boxes talk to (the portal's content, the exchange's documents, box
 * updates): a key and certificate the provincial CA issues at each start, and mutual TLS against the CA's roots.
 * Who the box is, and whether its certificate is still good, the server's handler checks per request.
 */
public final class BoxTlsConnector {


    private BoxTlsConnector() {
    }

    /**
     * A connector on {@code bind:port} for {@code server}, not yet added to it. The server's own errors become the
     * manager's one-line JSON ones, without Jetty's page naming itself and its version.
     */
    public static ServerConnector create(Server server, ProvincialCa ca, String alias, String bind, int port,
                                         List<String> dnsNames, List<String> ips) throws Exception {
        server.setErrorHandler(new JsonErrorHandler());
        ServerKeyStore identity = ServerKeyStore.issue(ca, alias, dnsNames, ips);
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
        connector.setHost(bind);
        connector.setPort(port);
        return connector;
    }
}
