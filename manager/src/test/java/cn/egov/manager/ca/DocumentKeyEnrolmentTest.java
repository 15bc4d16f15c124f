package cn.egov.manager.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.exchange.cms.CmsVerifier;
import cn.egov.exchange.cms.DocumentOpener;
import cn.egov.exchange.cms.DocumentSealer;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.cms.UnitCertificates;
import cn.egov.exchange.keys.DocumentKeyEnrolment;
import cn.egov.exchange.keys.DocumentKeyEnrolment.SigningAlgorithm;
import cn.egov.exchange.keys.UnitKeyStore;
import cn.egov.exchange.model.Classification;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentMeta;
import cn.egov.exchange.model.MessageIds;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.model.Urgency;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.pki.est.BoxEnrolment;
import cn.egov.pki.est.EstClient;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.pki.store.TlsContexts;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A box enrols its unit's document-exchange keys over EST with its box certificate, against the
 * manager's real EST server: SM2 or P-256 signing, P-256 encryption, certificates shaped as the
 * exchange checks them; documents sealed with them open with only the provincial root. Everything
 * else is refused with the reason and leaves the CA's register unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocumentKeyEnrolmentTest {

    static final char[] PASS = "e2e passphrase".toCharArray();
    static final UnitCode UNIT = UnitCode.parse("130602-001");
    static final UnitCode OTHER = UnitCode.parse("130602-002");

    @TempDir
    static Path dir;
    ProvincialCa ca;
    CrlPublisher crls;
    CaHttpServer server;
    URI est;
    BoxCredentials box;
    BoxCredentials otherBox;

    @BeforeAll
    void start() throws Exception {
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        Path caDir = dir.resolve("ca");
        ca = ProvincialCa.create(caDir, PASS, CaSettings.defaults("http://127.0.0.1:" + httpPort), HebeiPlan.names());
        crls = new CrlPublisher(ca, caDir.resolve("crl"));
        crls.start();
        KeyStore tls = EstTlsIdentity.loadOrIssue(ca, caDir, PASS, List.of("localhost"), List.of("127.0.0.1"));
        server = CaHttpServer.start(ca, crls, tls, PASS, "127.0.0.1", 0, httpPort, 64);
        est = URI.create("https://127.0.0.1:" + server.httpsPort());
        List<X509Certificate> cas = EstClient.bootstrapCaCerts(est, EstClient.fingerprint(ca.rootCertificate()));
        box = new BoxEnrolment(est, new BoxKeyStore(dir.resolve("box/box.p12"), "pw".toCharArray()))
                .enrol(UNIT, ca.newToken(UNIT, "jyj.jingxiu.gov.cn", Duration.ofHours(1)).secret(), cas);
        otherBox = new BoxEnrolment(est, new BoxKeyStore(dir.resolve("other/box.p12"), "pw".toCharArray()))
                .enrol(OTHER, ca.newToken(OTHER, "wjw.jingxiu.gov.cn", Duration.ofHours(1)).secret(), cas);
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        crls.close();
        ca.close();
    }

    @Test
    void aBoxEnrolsItsUnitsSm2AndP256KeysAndDocumentsSealedWithThemOpenWithTheRootAlone() throws Exception {
        DocumentKeyEnrolment enrolment = new DocumentKeyEnrolment(est, TlsContexts.of(box), Duration.ofSeconds(30));
        LocalUnit sm2 = enrolment.enrol(UNIT, SigningAlgorithm.SM2);
        LocalUnit p256 = new DocumentKeyEnrolment(est, TlsContexts.of(otherBox), Duration.ofSeconds(30)).enrol(OTHER, SigningAlgorithm.P256);

        X509Certificate signing = sm2.signing().certificate();
        assertTrue(sm2.signing().sm2());
        assertEquals(UNIT, UnitCertificates.unitOf(signing, UnitCertificates.SIGNING_OU).orElseThrow());
        assertEquals(ca.sm2SigningCaCertificate(), sm2.signing().chain().get(1), "the SM2 signing CA comes with it");
        assertTrue(UnitCertificates.canSign(signing));
        X509Certificate encryption = sm2.decryption().certificate();
        assertEquals(null, UnitCertificates.encryptionProblem(encryption, UNIT));
        assertEquals(List.of("1.3.6.1.5.5.7.3.4"), encryption.getExtendedKeyUsage(), "emailProtection only: no TLS peer takes it");
        assertEquals(ca.issuingCertificate(), p256.signing().chain().get(1));

        // kept in the unit's key file and read back the same
        UnitKeyStore keys = new UnitKeyStore(dir.resolve("keys"), "k".toCharArray());
        keys.save(sm2);
        LocalUnit loaded = keys.load(UNIT).orElseThrow();
        assertEquals(sm2.signing().chain(), loaded.signing().chain());
        assertArrayEquals(sm2.decryption().key().getEncoded(), loaded.decryption().key().getEncoded());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.file(UNIT))));

        // a document from each to the other opens, trusting only the provincial root (intermediates travel inside)
        TrustAnchors rootOnly = new TrustAnchors(List.of(ca.rootCertificate()), List.of(ca.issuingCertificate()), Clock.systemUTC());
        Instant now = Instant.now();
        Document d = new Document(new DocumentMeta(MessageIds.newId(), "竞教发〔2026〕1号", "试发", UNIT, List.of(OTHER), Urgency.ROUTINE,
                Classification.NON_SECRET, now.plus(Duration.ofDays(1)), now), List.of(new Part("正文.pdf", "application/pdf", new byte[] {1, 2})));
        byte[] sealed = DocumentSealer.seal(d, loaded.signing(), Map.of(OTHER, p256.decryption().certificate())).envelope();
        DocumentOpener.Opened opened = new DocumentOpener(new CmsVerifier(rootOnly), 1_000_000).open(sealed, p256.decryption());
        assertEquals(UNIT, opened.signature().unit());
        assertTrue(opened.signature().sm2());

        // openssl agrees on the chain and refuses the encryption certificate for TLS
        Path root = pem(dir.resolve("root.pem"), ca.rootCertificate());
        Path issuing = pem(dir.resolve("issuing.pem"), ca.issuingCertificate());
        Path enc = pem(dir.resolve("enc.pem"), encryption);
        assertEquals(0, openssl("verify", "-CAfile", root.toString(), "-untrusted", issuing.toString(), enc.toString()));
        assertTrue(openssl("verify", "-purpose", "sslclient", "-CAfile", root.toString(), "-untrusted", issuing.toString(), enc.toString()) != 0);
    }

    @Test
    void anythingElseIsRefusedWithItsReasonAndTheRegisterStaysAsItWas() throws Exception {
        String before = ca.databaseDump();
        SSLContext tls = TlsContexts.of(box);
        // a document key of another unit than the box's own
        HttpResponse<String> other = post(tls, "document-signing", csr(OTHER, "secp256r1", "SHA256withECDSA"));
        assertEquals(403, other.statusCode(), other.body());
        assertTrue(other.body().contains("own unit only"), other.body());
        // an SM2 key for encryption
        HttpResponse<String> sm2Enc = post(tls, "document-encryption", csr(UNIT, "sm2p256v1", "SM3withSM2"));
        assertEquals(400, sm2Enc.statusCode(), sm2Enc.body());
        assertTrue(sm2Enc.body().contains("must be ECDSA P-256"), sm2Enc.body());
        // no box certificate at all
        HttpResponse<String> anonymous = post(trustOnly(), "document-signing", csr(UNIT, "secp256r1", "SHA256withECDSA"));
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertTrue(anonymous.body().contains("box's current certificate"), anonymous.body());
        assertEquals(before, ca.databaseDump());

        // a revoked box certificate
        BoxCredentials revoked = new BoxEnrolment(est, new BoxKeyStore(dir.resolve("revoked/box.p12"), "pw".toCharArray()))
                .enrol(UNIT, ca.newToken(UNIT, "jyj.jingxiu.gov.cn", Duration.ofHours(1)).secret(), List.of(ca.rootCertificate(), ca.issuingCertificate()));
        ca.revoke(revoked.certificate().getSerialNumber(), RevocationReason.keyCompromise);
        String afterRevocation = ca.databaseDump();
        IOException e = assertThrows(IOException.class,
                () -> new DocumentKeyEnrolment(est, TlsContexts.of(revoked), Duration.ofSeconds(30)).enrol(UNIT, SigningAlgorithm.P256));
        assertTrue(e.getMessage().contains("(403)") && e.getMessage().contains("revoked"), e.getMessage());
        assertEquals(afterRevocation, ca.databaseDump());
    }

    private HttpResponse<String> post(SSLContext tls, String label, byte[] csr) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
        return http.send(HttpRequest.newBuilder(est.resolve("/.well-known/est/" + label + "/simpleenroll"))
                .header("Content-Type", "application/pkcs10").POST(HttpRequest.BodyPublishers.ofString(Base64.getEncoder().encodeToString(csr)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private SSLContext trustOnly() throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("root", ca.rootCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    private static byte[] csr(UnitCode unit, String curve, String alg) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BouncyCastle.PROVIDER);
        g.initialize(new ECGenParameterSpec(curve));
        KeyPair k = g.generateKeyPair();
        return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + unit), k.getPublic())
                .build(new JcaContentSignerBuilder(alg).setProvider(BouncyCastle.PROVIDER).build(k.getPrivate())).getEncoded();
    }

    private static Path pem(Path file, X509Certificate c) throws Exception {
        PemFiles.write(file, c);
        return file;
    }

    private static int openssl(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        System.out.println(String.join(" ", cmd) + " -> " + rc + ": " + out.strip());
        return rc;
    }
}
