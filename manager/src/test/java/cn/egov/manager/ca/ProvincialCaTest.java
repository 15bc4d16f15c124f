package cn.egov.manager.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.rules.unit.UnitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** One CA for the class: creating one costs seconds of key-store PBKDF2. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvincialCaTest {

    static final char[] PASS = "correct horse battery staple".toCharArray();
    static final UnitCode UNIT = UnitCode.parse("130602-001");

    @TempDir
    static Path dir;
    ProvincialCa ca;

    @BeforeAll
    void create() throws Exception {
        ca = ProvincialCa.create(dir.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"), HebeiPlan.names());
    }

    @AfterAll
    void close() throws Exception {
        ca.close();
    }

    @Test
    void boxCertificateCarriesUnitCodeAndDomainAndOpensslVerifiesTheChain() throws Exception {
        KeyPair box = KeyPairs.p256();
        X509Certificate cert = ca.issueBox(box.getPublic(), UNIT, "jyj.jingxiu.gov.cn");

        assertTrue(cert.getSubjectX500Principal().getName().contains("CN=130602-001"));
        List<String> sans = cert.getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).toList();
        assertEquals(List.of("jyj.jingxiu.gov.cn", "urn:egov:unit:130602-001"), sans);
        assertEquals(List.of("1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"), cert.getExtendedKeyUsage(), "clientAuth, and serverAuth for its own name");
        X509Certificate bare = ca.issueBox(KeyPairs.p256().getPublic(), UNIT, null);
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), bare.getExtendedKeyUsage(), "no name, no serverAuth");

        PemFiles.write(dir.resolve("root.pem"), ca.rootCertificate());
        PemFiles.write(dir.resolve("issuing.pem"), ca.issuingCertificate());
        PemFiles.write(dir.resolve("box.pem"), cert);
        String out = Commands.run(dir, "openssl", "verify", "-CAfile", "root.pem", "-untrusted", "issuing.pem", "box.pem").expectOk().output();
        assertTrue(out.contains("box.pem: OK"), out);
    }

    @Test
    void revocationAppearsInTheCrlAndOpensslRejectsTheCertificate() throws Exception {
        X509Certificate keep = ca.issueBox(KeyPairs.p256().getPublic(), UNIT, null);
        X509Certificate gone = ca.issueBox(KeyPairs.p256().getPublic(), UnitCode.parse("130602-002"), null);
        ca.revoke(gone.getSerialNumber(), RevocationReason.keyCompromise);
        X509CRL crl = ca.crl();
        crl.verify(ca.issuingCertificate().getPublicKey());
        assertTrue(crl.isRevoked(gone));
        assertTrue(!crl.isRevoked(keep));
        assertThrows(java.security.GeneralSecurityException.class,
                () -> ca.revoke(gone.getSerialNumber(), RevocationReason.keyCompromise), "second revocation refused");

        PemFiles.write(dir.resolve("chain.pem"), ca.rootCertificate(), ca.issuingCertificate());
        PemFiles.write(dir.resolve("crl.pem"), crl);
        PemFiles.write(dir.resolve("keep.pem"), keep);
        PemFiles.write(dir.resolve("gone.pem"), gone);
        Commands.run(dir, "openssl", "crl", "-in", "crl.pem", "-CAfile", "chain.pem", "-noout").expectOk();
        Commands.Result ok = Commands.run(dir, "openssl", "verify", "-crl_check", "-CAfile", "chain.pem", "-CRLfile", "crl.pem", "keep.pem");
        assertEquals(0, ok.exit(), ok.output());
        Commands.Result revoked = Commands.run(dir, "openssl", "verify", "-crl_check", "-CAfile", "chain.pem", "-CRLfile", "crl.pem", "gone.pem");
        assertNotEquals(0, revoked.exit());
        assertTrue(revoked.output().contains("certificate revoked"), revoked.output());
    }

    @Test
    void crlNumbersIncrease() throws Exception {
        assertTrue(crlNumber(ca.crl()) < crlNumber(ca.crl()));
    }

    @Test
    void hubCertificateNamesTheHub() throws Exception {
        X509Certificate hub = ca.issueHub(KeyPairs.p256().getPublic(), "hub.backbone.hebei.gov.cn",
                List.of("hub.backbone.hebei.gov.cn"), List.of("192.0.2.1"));
        List<String> sans = hub.getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).toList();
        assertEquals(List.of("hub.backbone.hebei.gov.cn", "192.0.2.1"), sans);
        PemFiles.write(dir.resolve("chain.pem"), ca.rootCertificate(), ca.issuingCertificate());
        PemFiles.write(dir.resolve("hub.pem"), hub);
        Commands.run(dir, "openssl", "verify", "-CAfile", "chain.pem", "hub.pem").expectOk();
    }

    @Test
    void sm2SigningCertificateIsSignedWithSm3WithSm2AndOpensslParsesAndVerifiesIt() throws Exception {
        X509Certificate sm2 = ca.issueSigning(KeyPairs.sm2().getPublic(), "保定市水利局 公文签章");
        assertEquals("1.2.156.10197.1.501", sm2.getSigAlgOID());
        sm2.verify(ca.sm2SigningCaCertificate().getPublicKey(), BouncyCastle.PROVIDER);
        PemFiles.write(dir.resolve("sm2.pem"), sm2);
        PemFiles.write(dir.resolve("sm2ca.pem"), ca.sm2SigningCaCertificate());
        PemFiles.write(dir.resolve("root.pem"), ca.rootCertificate());
        String text = Commands.run(dir, "openssl", "x509", "-in", "sm2.pem", "-noout", "-text").expectOk().output();
        assertTrue(text.contains("SM2-with-SM3"), text);
        assertTrue(text.contains("SM2"), text);
        Commands.Result v = Commands.run(dir, "openssl", "verify", "-vfyopt", "distid:1234567812345678", "-CAfile", "root.pem", "-untrusted", "sm2ca.pem", "sm2.pem");
        assertEquals(0, v.exit(), v.output());
        assertThrows(java.security.GeneralSecurityException.class, () -> ca.issueSigning(KeyPairs.p256().getPublic(), "x"));
    }

    @Test
    void keyStoreIsEncryptedAndPrivateAndAWrongPassphraseIsRefused() throws Exception {
        Path ks = dir.resolve("ca").resolve(CaKeys.FILE);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(ks));
        Commands.Result noPass = Commands.run(dir, "openssl", "pkcs12", "-in", ks.toString(), "-nodes", "-passin", "pass:wrong");
        assertNotEquals(0, noPass.exit());
        var e = assertThrows(java.io.IOException.class,
                () -> ProvincialCa.open(dir.resolve("ca"), "wrong".toCharArray(), ca.settings()));
        assertTrue(e.getMessage().contains("wrong passphrase"), e.getMessage());
        try (ProvincialCa again = ProvincialCa.open(dir.resolve("ca"), PASS, ca.settings())) {
            assertArrayEquals(ca.rootCertificate().getEncoded(), again.rootCertificate().getEncoded());
        }
        assertThrows(java.io.IOException.class, () -> ProvincialCa.create(dir.resolve("ca"), PASS, ca.settings()));
    }

    @Test
    void tokensNeedAUnitOfThePlanAndANameThePlanGivesIt() throws Exception {
        String before = ca.databaseDump();
        record Bad(String unit, String domain, Class<? extends Exception> type, String says) {
        }
        for (Bad b : List.of(
                new Bad("130602-001", "*.gov.cn", IllegalArgumentException.class, "is a wildcard"),
                new Bad("130602-001", "*.jyj.jingxiu.gov.cn", IllegalArgumentException.class, "is a wildcard"),
                new Bad("130602-001", "127.0.0.1", IllegalArgumentException.class, "is an IP address"),
                new Bad("130602-001", "2001:db8::1", IllegalArgumentException.class, "is an IP address"),
                new Bad("130602-001", "localhost", IllegalArgumentException.class, "at least two labels"),
                new Bad("130602-001", "bad domain", IllegalArgumentException.class, "bad label 'bad domain'"),
                new Bad("130602-001", "Jyj.jingxiu.gov.cn", IllegalArgumentException.class, "lower case"),
                new Bad("130602-001", "jyj.jingxiu.gov.cn.", IllegalArgumentException.class, "bad label ''"),
                new Bad("130602-001", "slj.bd.gov.cn", CaRefusal.class, "belongs to 130600-012 (河北省 保定市 保定市水利局)"),
                new Bad("130602-001", "wjw.jingxiu.gov.cn", CaRefusal.class, "belongs to 130602-002"),
                new Bad("130602-001", "ca.hebei.gov.cn", CaRefusal.class, "is not in the address plan"),
                new Bad("130602-001", "www.example.com", CaRefusal.class, "is not in the address plan"),
                new Bad("130602-002", "www.jingxiu.gov.cn", CaRefusal.class, "belongs to 130602 "),
                new Bad("110101-001", null, CaRefusal.class, "outside the province"),
                new Bad("130602-009", null, CaRefusal.class, "130602-009 is not in the address plan"))) {
            Exception e = assertThrows(Exception.class, () -> ca.newToken(UnitCode.parse(b.unit()), b.domain(), Duration.ofHours(1)), b.toString());
            assertEquals(b.type(), e.getClass(), b + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(b.says()), b + ": " + e.getMessage());
        }
        assertEquals(before, ca.databaseDump(), "refused tokens leave the register unchanged");

        assertEquals("jyj.jingxiu.gov.cn", ca.newToken(UNIT, "jyj.jingxiu.gov.cn", Duration.ofHours(1)).domain());
        assertEquals("mail.jyj.jingxiu.hebei.egov", ca.newToken(UNIT, "mail.jyj.jingxiu.hebei.egov", Duration.ofHours(1)).domain());
        assertEquals("www.jingxiu.gov.cn", ca.newToken(UnitCode.parse("130602-000"), "www.jingxiu.gov.cn", Duration.ofHours(1)).domain(),
                "a county's government office holds the county's names");
        assertEquals(null, ca.newToken(UNIT, null, Duration.ofHours(1)).domain());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> ca.newToken(UNIT, null, Duration.ZERO));
        assertTrue(!zero.getMessage().contains("PT0S") && zero.getMessage().contains("0 ms"), zero.getMessage());
    }

    @Test
    void aCaOpenedWithoutThePlanIssuesNoToken() throws Exception {
        try (ProvincialCa blind = ProvincialCa.open(dir.resolve("ca"), PASS, ca.settings())) {
            CaRefusal e = assertThrows(CaRefusal.class, () -> blind.newToken(UNIT, null, Duration.ofHours(1)));
            assertTrue(e.getMessage().contains("no address plan"), e.getMessage());
        }
    }

    static long crlNumber(X509CRL crl) throws Exception {
        byte[] ext = crl.getExtensionValue("2.5.29.20");
        return org.bouncycastle.asn1.ASN1Integer.getInstance(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).getValue().longValueExact();
    }
}
