package cn.egov.manager.ca;

import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
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

    private static final int PASSWORD_BYTES = 24;

    private BoxTlsConnector() {
    }

    /** A connector on {@code bind:port} for {@code server}, not yet added to it. */
    public static ServerConnector create(Server server, ProvincialCa ca, String alias, String bind, int port,
                                         List<String> dnsNames, List<String> ips) throws Exception {
        byte[] random = new byte[PASSWORD_BYTES];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        KeyPair kp = KeyPairs.p256();
        String cn = dnsNames.isEmpty() ? ips.get(0) : dnsNames.get(0);
        X509Certificate cert = ca.issueTlsServer(kp.getPublic(), cn, dnsNames, ips);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(alias, kp.getPrivate(), password.toCharArray(), new X509Certificate[]{cert, ca.issuingCertificate()});
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(ks);
        tls.setKeyStorePassword(password);
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
