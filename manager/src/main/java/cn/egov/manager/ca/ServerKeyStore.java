package cn.egov.manager.ca;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * A TLS server identity the provincial CA issues to one of the manager's own listeners (web, EST,
 * broker, the box-only HTTPS servers): a fresh P-256 key, its certificate for the names given (the
 * first DNS name, else the first address, as common name), and the issuing CA in its chain, in a
 * PKCS#12 key store.
 *
 * @param keyStore the key store with the one entry
 * @param password its password (also the entry's)
 */
public record ServerKeyStore(KeyStore keyStore, char[] password) {

    private static final int PASSWORD_BYTES = 24;

    /** Issued with a random password (a key store that lives in memory, or beside the process, only). */
    public static ServerKeyStore issue(ProvincialCa ca, String alias, List<String> dnsNames, List<String> ips)
            throws IOException, GeneralSecurityException {
        byte[] random = new byte[PASSWORD_BYTES];
        new SecureRandom().nextBytes(random);
        return issue(ca, alias, HexFormat.of().formatHex(random).toCharArray(), dnsNames, ips);
    }

    /** Issued with {@code password}. */
    public static ServerKeyStore issue(ProvincialCa ca, String alias, char[] password, List<String> dnsNames, List<String> ips)
            throws IOException, GeneralSecurityException {
        KeyPair kp = KeyPairs.p256();
        String cn = dnsNames.isEmpty() ? ips.get(0) : dnsNames.get(0);
        X509Certificate cert = ca.issueTlsServer(kp.getPublic(), cn, dnsNames, ips);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(alias, kp.getPrivate(), password, new X509Certificate[]{cert, ca.issuingCertificate()});
        return new ServerKeyStore(ks, password);
    }
}
