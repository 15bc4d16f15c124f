package cn.egov.manager.ca;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TLS server identity of the CA's HTTPS endpoint (EST): a key and a TLS_SERVER certificate
 * from the issuing CA, kept in {@code <ca dir>/est-tls.p12} (mode 0600, the CA passphrase) and
 * re-issued when absent, near expiry, or when the configured host names change.
 */
public final class EstTlsIdentity {

    static final String FILE = "est-tls.p12";
    private static final String ALIAS = "est";
    /** Re-issue this long before expiry. */
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private EstTlsIdentity() {
    }

    /**
     * @param dnsNames host names boxes use to reach the EST endpoint
     * @param ips      IP addresses boxes use (tests: 127.0.0.1)
     * @return a JDK PKCS#12 key store with the key under alias "est", protected by {@code passphrase}
     */
    public static KeyStore loadOrIssue(ProvincialCa ca, Path caDir, char[] passphrase, List<String> dnsNames, List<String> ips)
            throws IOException, GeneralSecurityException {
        Path file = caDir.resolve(FILE);
        if (Files.exists(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, passphrase);
            }
            X509Certificate c = (X509Certificate) ks.getCertificate(ALIAS);
            if (c != null && c.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE))
                    && names(c).equals(wanted(dnsNames, ips))
                    && c.getIssuerX500Principal().equals(ca.issuingCertificate().getSubjectX500Principal())) {
                return ks;
            }
        }
        KeyStore ks = ServerKeyStore.issue(ca, ALIAS, passphrase, dnsNames, ips).keyStore();
        Path tmp = caDir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, passphrase);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return ks;
    }

    /** A trust store holding the provincial root and the issuing CA: what TLS clients of ours must present. */
    public static KeyStore trustStore(ProvincialCa ca) throws GeneralSecurityException, IOException {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("root", ca.rootCertificate());
        ts.setCertificateEntry("issuing", ca.issuingCertificate());
        return ts;
    }

    private static Set<String> names(X509Certificate c) throws GeneralSecurityException {
        Set<String> out = new HashSet<>();
        if (c.getSubjectAlternativeNames() != null) {
            c.getSubjectAlternativeNames().forEach(l -> out.add(l.get(1).toString()));
        }
        return out;
    }

    private static Set<String> wanted(List<String> dns, List<String> ips) {
        Set<String> out = new HashSet<>(dns);
        out.addAll(ips);
        return out;
    }
}
