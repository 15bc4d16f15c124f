package cn.egov.manager.app;

import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.ProvincialCa;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
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
    private static final int PASSWORD_BYTES = 24;

    static WebTlsIdentity issue(ProvincialCa ca, List<String> dnsNames, List<String> ips) throws IOException, GeneralSecurityException {
        if (dnsNames.isEmpty() && ips.isEmpty()) {
            throw new IllegalArgumentException("the web server's certificate needs at least one name: set web.tls.dns-names or web.tls.ips");
        }
        byte[] random = new byte[PASSWORD_BYTES];
        new SecureRandom().nextBytes(random);
        char[] password = HexFormat.of().formatHex(random).toCharArray();
        KeyPair kp = KeyPairs.p256();
        X509Certificate cert = ca.issueTlsServer(kp.getPublic(), dnsNames.isEmpty() ? ips.get(0) : dnsNames.get(0), dnsNames, ips);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, kp.getPrivate(), password, new X509Certificate[]{cert, ca.issuingCertificate()});
        return new WebTlsIdentity(ks, password);
    }
}
