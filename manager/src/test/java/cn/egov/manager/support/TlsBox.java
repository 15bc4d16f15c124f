package cn.egov.manager.support;

import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A box's TLS credentials from the provincial CA, as enrolment leaves them: a P-256 key made here,
 * a box certificate for the unit, and both as PEM files for Debian's mosquitto_pub/sub
 * ({@code --cert}, {@code --key}, {@code --cafile chain.pem}).
 *
 * @param unit        the unit code (certificate CN and SAN URI)
 * @param certificate the box certificate
 * @param certPem     leaf + issuing CA, PEM
 * @param keyPem      the private key, PKCS#8 PEM
 * @param chainPem    issuing CA + root, PEM: what a client trusts the broker through
 * @param socketFactory for Paho: the key and certificate, trusting the provincial CA only
 * @param context       the same for an HTTPS client
 */
public record TlsBox(String unit, X509Certificate certificate, Path certPem, Path keyPem, Path chainPem, SSLSocketFactory socketFactory,
                     SSLContext context) {

    public static TlsBox issue(ProvincialCa ca, String unit, Path dir) throws Exception {
        Files.createDirectories(dir);
        KeyPair k = KeyPairs.p256();
        X509Certificate cert = ca.issueBox(k.getPublic(), UnitCode.parse(unit), null);
        Path certPem = dir.resolve(unit + ".pem");
        Path keyPem = dir.resolve(unit + ".key");
        Path chain = dir.resolve("chain.pem");
        PemFiles.write(certPem, cert, ca.issuingCertificate());
        PemFiles.write(keyPem, k.getPrivate());
        PemFiles.write(chain, ca.issuingCertificate(), ca.rootCertificate());
        SSLContext ctx = context(ca, k, cert);
        return new TlsBox(unit, cert, certPem, keyPem, chain, ctx.getSocketFactory(), ctx);
    }

    /** A new box key and certificate for {@code unit}, as a TLS context trusting the provincial CA only (an HTTPS client). */
    public static SSLContext issueContext(ProvincialCa ca, String unit) throws Exception {
        KeyPair k = KeyPairs.p256();
        return context(ca, k, ca.issueBox(k.getPublic(), UnitCode.parse(unit), null));
    }

    private static SSLContext context(ProvincialCa ca, KeyPair k, X509Certificate cert) throws Exception {
        char[] pass = "box".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("box", k.getPrivate(), pass, new X509Certificate[]{cert, ca.issuingCertificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pass);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        int i = 0;
        for (X509Certificate c : ca.caCertificates()) {
            ts.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
