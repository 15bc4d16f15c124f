package cn.egov.manager.app;

import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.ca.ServerKeyStore;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;

/**
 * The web server's HTTPS identity, like the broker's: a fresh P-256 key and a TLS-server
 * certificate from the provincial CA's issuing CA at each start, held in memory only (Jetty takes
 * the key store object: nothing is written to disk, and the key never outlives the process).
 * Browsers and clients trust it through the provincial root.
 *
 * @param keyStore PKCS#12 key store with the one key and its chain (certificate, issuing CA)
 * @param password the key store's password, random
 */
record WebTlsIdentity(KeyStore keyStore, char[] password) {

    private static final String ALIAS = "web";

    static WebTlsIdentity issue(ProvincialCa ca, List<String> dnsNames, List<String> ips) throws IOException, GeneralSecurityException {
        if (dnsNames.isEmpty() && ips.isEmpty()) {
            throw new IllegalArgumentException("the web server's certificate needs at least one name: set web.tls.dns-names or web.tls.ips");
        }
        ServerKeyStore identity = ServerKeyStore.issue(ca, ALIAS, dnsNames, ips);
        return new WebTlsIdentity(identity.keyStore(), identity.password());
    }
}
