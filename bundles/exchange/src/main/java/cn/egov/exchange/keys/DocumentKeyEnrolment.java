package cn.egov.exchange.keys;

import cn.egov.exchange.cms.BcProvider;
import cn.egov.exchange.cms.DecryptionKey;
import cn.egov.exchange.cms.SigningKey;
import cn.egov.exchange.cms.UnitCertificates;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Enrols a unit's document-exchange keys with the provincial CA over EST (RFC 7030 labels
 * {@code document-signing} and {@code document-encryption}, {@code simpleenroll}), authenticated by
 * the box's certificate as TLS client certificate: the keys are made on the box and never leave it.
 * The CA issues them for the box's own unit only.
 *
 * <pre>{@code
 * SSLContext tls = TlsContexts.of(boxCertificates.current().orElseThrow());   // box key + provincial CAs
 * LocalUnit keys = new DocumentKeyEnrolment(URI.create("https://ca.hebei.gov.cn:8443"), tls, Duration.ofSeconds(30))
 *         .enrol(UnitCode.parse("130602-001"), SigningAlgorithm.SM2);
 * new UnitKeyStore(folder, password).save(keys);
 * }</pre>
 */
public final class DocumentKeyEnrolment {

    /** The signing key's algorithm; encryption keys are always P-256 (see the README: SM2 key transport is not used). */
    public enum SigningAlgorithm { P256, SM2 }

    public static final String SIGNING_PATH = "/.well-known/est/document-signing/simpleenroll";
    public static final String ENCRYPTION_PATH = "/.well-known/est/document-encryption/simpleenroll";
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    public DocumentKeyEnrolment(URI estBase, SSLContext boxTls, Duration timeout) {
        this.base = estBase;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().sslContext(boxTls).connectTimeout(timeout).build();
    }

    /** New keys for {@code unit}, certified by the CA (nothing is stored here). */
    public LocalUnit enrol(UnitCode unit, SigningAlgorithm algorithm) throws IOException, GeneralSecurityException {
        KeyPair signing = keyPair(algorithm == SigningAlgorithm.SM2 ? "sm2p256v1" : "secp256r1");
        List<X509Certificate> signingChain = leafFirst(request(SIGNING_PATH, csr(unit, signing, algorithm == SigningAlgorithm.SM2)),
                signing, unit, UnitCertificates.SIGNING_OU);
        KeyPair encryption = keyPair("secp256r1");
        List<X509Certificate> encryptionChain = leafFirst(request(ENCRYPTION_PATH, csr(unit, encryption, false)),
                encryption, unit, UnitCertificates.ENCRYPTION_OU);
        return new LocalUnit(unit, new SigningKey(signing.getPrivate(), signingChain),
                new DecryptionKey(encryption.getPrivate(), encryptionChain.get(0)));
    }

    static KeyPair keyPair(String curve) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BcProvider.get());
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    /** PKCS#10 naming the unit in its one CN; SM2 requests are signed SM3withSM2 with the default user id (what the CA expects). */
    static byte[] csr(UnitCode unit, KeyPair keys, boolean sm2) throws GeneralSecurityException {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, unit.toString()).build();
        try {
            return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                    .build(new JcaContentSignerBuilder(sm2 ? "SM3withSM2" : "SHA256withECDSA").setProvider(BcProvider.get())
                            .build(keys.getPrivate())).getEncoded();
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot make the certificate request: " + e.getMessage(), e);
        }
    }

    private List<X509Certificate> request(String path, byte[] csr) throws IOException, GeneralSecurityException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/pkcs10").header("Content-Transfer-Encoding", "base64")
                .POST(HttpRequest.BodyPublishers.ofString(Base64.getMimeEncoder().encodeToString(csr))).build();
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the CA at " + base, e);
        } catch (IOException e) {
            throw new IOException("cannot reach the CA's EST server at " + base + ": " + e.getMessage(), e);
        }
        byte[] body = answer.body();
        if (answer.statusCode() != 200) {
            String text = new String(body, 0, Math.min(body.length, 500), StandardCharsets.UTF_8).strip();
            throw new IOException("the CA refused the " + path.split("/")[3] + " request (" + answer.statusCode() + "): " + text);
        }
        if (body.length > MAX_ANSWER_BYTES) {
            throw new IOException("the CA's answer is " + body.length + " bytes, more than a certificate answer can be");
        }
        try {
            CMSSignedData certsOnly = new CMSSignedData(Base64.getMimeDecoder().decode(body));
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter().setProvider(BcProvider.get());
            List<X509Certificate> out = new ArrayList<>();
            @SuppressWarnings("unchecked")
            java.util.Collection<X509CertificateHolder> holders = certsOnly.getCertificates().getMatches(null);
            for (X509CertificateHolder h : holders) {
                out.add(conv.getCertificate(h));
            }
            if (out.isEmpty()) {
                throw new IOException("the CA's answer holds no certificate");
            }
            return out;
        } catch (CMSException | IllegalArgumentException e) {
            throw new IOException("the CA's answer is not a certs-only PKCS#7: " + e.getMessage(), e);
        }
    }

    /**
     * The answer with the certificate issued for our key first (then its issuing CA, which signed
     * documents carry: the SM2 signing CA is not among the CA certificates a box holds). The issued
     * certificate must be for our unit with the profile's subject, else nothing is used.
     */
    private static List<X509Certificate> leafFirst(List<X509Certificate> answer, KeyPair keys, UnitCode unit, String purpose)
            throws GeneralSecurityException {
        X509Certificate leaf = answer.stream().filter(c -> java.util.Arrays.equals(c.getPublicKey().getEncoded(), keys.getPublic().getEncoded()))
                .findFirst().orElseThrow(() -> new GeneralSecurityException("the CA returned no certificate for the key requested"));
        if (!UnitCertificates.unitOf(leaf, purpose).map(unit::equals).orElse(false)) {
            throw new GeneralSecurityException("the CA returned " + leaf.getSubjectX500Principal().getName() + ", not a "
                    + purpose + " certificate of unit " + unit);
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        answer.stream().filter(c -> c != leaf && c.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())).findFirst()
                .ifPresent(chain::add);
        return chain;
    }
}
