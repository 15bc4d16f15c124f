package cn.egov.pki.store;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS context made from the box's credentials, for every TLS endpoint of the box: the MQTT
 * client, and the servers (local console, portal mirror) that present the box certificate. Peers
 * are trusted only through the provincial CA certificates the box holds.
 */
public final class TlsContexts {

    private TlsContexts() {
    }

    /** Key = the box key and chain; trust = the provincial CA certificates only. */
    public static SSLContext of(BoxCredentials c) throws GeneralSecurityException {
        try {
            char[] pw = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("box", c.key(), pw, c.chain().toArray(X509Certificate[]::new));
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            for (int i = 0; i < c.trustAnchors().size(); i++) {
                ts.setCertificateEntry("ca" + i, c.trustAnchors().get(i));
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, pw);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot build an in-memory key store: " + e.getMessage(), e);
        }
    }
}
