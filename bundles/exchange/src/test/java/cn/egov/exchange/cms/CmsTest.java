package cn.egov.exchange.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.exchange.TestPki;
import cn.egov.exchange.model.Classification;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentMeta;
import cn.egov.exchange.model.DocumentRefused;
import cn.egov.exchange.model.MessageIds;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.model.Urgency;
import cn.egov.rules.unit.UnitCode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CmsTest {

    static final UnitCode SENDER = UnitCode.parse("130602-001");
    static final UnitCode R1 = UnitCode.parse("130606-001");
    static final UnitCode R2 = UnitCode.parse("130604-002");
    static TestPki pki;
    static DecryptionKey r1Key;
    static DecryptionKey r2Key;
    static CmsVerifier verifier;

    @BeforeAll
    static void setUp() throws Exception {
        pki = new TestPki("Hebei test CA");
        r1Key = pki.encryption(R1);
        r2Key = pki.encryption(R2);
        verifier = new CmsVerifier(new TrustAnchors(List.of(pki.root), Clock.systemUTC()));
    }

    static Document document(int bytes) {
        byte[] body = new byte[bytes];
        new Random(7).nextBytes(body);
        Instant now = Instant.now();
        DocumentMeta meta = new DocumentMeta(MessageIds.newId(), "保水发〔2026〕17号", "关于防汛工作的通知", SENDER, List.of(R1, R2),
                Urgency.URGENT, Classification.NON_SECRET, now.plus(Duration.ofDays(3)), now);
        return new Document(meta, List.of(new Part("正文.ofd", "application/ofd", body),
                new Part("附件1.pdf", "application/pdf", "%PDF-1.4 test".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void p256RoundTripForEveryRecipient() throws Exception {
        Document doc = document(100_000);
        DocumentSealer.Sealed s = DocumentSealer.seal(doc, pki.signing(SENDER), Map.of(R1, r1Key.certificate(), R2, r2Key.certificate()));
        for (DecryptionKey k : List.of(r1Key, r2Key)) {
            DocumentOpener.Opened o = new DocumentOpener(verifier, 10_000_000).open(s.envelope(), k);
            assertEquals(doc.meta(), o.document().meta());
            assertArrayEquals(doc.parts().get(0).content(), o.document().parts().get(0).content());
            assertEquals(s.digests(), o.digests());
            assertEquals(SENDER, o.signature().unit());
            assertEquals(false, o.signature().sm2());
        }
        assertEquals("SHA-256", s.digests().get(0).algorithm());
    }

    @Test
    void sm2SignerUsesGmIdentifiersAndSm3() throws Exception {
        Document doc = document(10_000);
        DocumentSealer.Sealed s = DocumentSealer.seal(doc, pki.sm2Signing(SENDER), Map.of(R1, r1Key.certificate(), R2, r2Key.certificate()));
        ContentInfo ci = ContentInfo.getInstance(ASN1Primitive.fromByteArray(s.signed()));
        assertEquals(Gm.SIGNED_DATA, ci.getContentType());
        org.bouncycastle.asn1.cms.SignedData sd = org.bouncycastle.asn1.cms.SignedData.getInstance(ci.getContent());
        assertEquals(Gm.DATA, sd.getEncapContentInfo().getContentType());
        assertEquals(Gm.SM3, org.bouncycastle.asn1.x509.AlgorithmIdentifier.getInstance(sd.getDigestAlgorithms().getObjectAt(0)).getAlgorithm());
        DocumentOpener.Opened o = new DocumentOpener(verifier, 10_000_000).open(s.envelope(), r2Key);
        assertTrue(o.signature().sm2());
        assertEquals("SM3", o.digests().get(0).algorithm());
        assertEquals(doc.meta(), o.document().meta());
    }

    @Test
    void damagedOrTruncatedEnvelopeIsRefused() throws Exception {
        DocumentSealer.Sealed s = DocumentSealer.seal(document(5000), pki.signing(SENDER), Map.of(R1, r1Key.certificate(), R2, r2Key.certificate()));
        DocumentOpener opener = new DocumentOpener(verifier, 10_000_000);
        byte[] truncated = Arrays.copyOf(s.envelope(), s.envelope().length / 2);
        DocumentRefused e = assertThrows(DocumentRefused.class, () -> opener.open(truncated, r1Key));
        assertEquals("document", e.field());
        byte[] flipped = s.envelope().clone();
        flipped[flipped.length - 40] ^= 0x55;
        assertThrows(DocumentRefused.class, () -> opener.open(flipped, r1Key));
    }

    /**
     * The opener streams the envelope (decrypted, digested and unpacked in one pass): cut anywhere, it is
     * refused in one line naming the document or its package, and never opened.
     */
    @Test
    void envelopeCutAnywhereIsRefusedInOneLine() throws Exception {
        byte[] env = DocumentSealer.seal(document(20_000), pki.signing(SENDER), Map.of(R1, r1Key.certificate(), R2, r2Key.certificate())).envelope();
        DocumentOpener opener = new DocumentOpener(verifier, 10_000_000);
        for (int len = 0; len < env.length; len += len < env.length - 64 ? 97 : 1) {
            byte[] cut = Arrays.copyOf(env, len);
            DocumentRefused e = assertThrows(DocumentRefused.class, () -> opener.open(cut, r1Key), "cut to " + len);
            assertTrue(e.field().equals("document") || e.field().equals("package"), len + ": " + e.field());
            assertTrue(!e.getMessage().contains("\n"), len + ": " + e.getMessage());
        }
    }

    /** Any byte changed: refused in one line, or (a byte no reader looks at) opened to exactly what was sent; never anything else. */
    @Test
    void envelopeChangedAnywhereIsRefusedOrOpensUnchanged() throws Exception {
        Document doc = document(20_000);
        byte[] env = DocumentSealer.seal(doc, pki.signing(SENDER), Map.of(R1, r1Key.certificate(), R2, r2Key.certificate())).envelope();
        DocumentOpener opener = new DocumentOpener(verifier, 10_000_000);
        int refused = 0;
        for (int at = 0; at < env.length; at += at < 2000 || at > env.length - 2000 ? 7 : 401) {
            byte[] changed = env.clone();
            changed[at] ^= 0x41;
            try {
                DocumentOpener.Opened o = opener.open(changed, r1Key);
                assertEquals(doc.meta(), o.document().meta(), "changed at " + at);
                for (int i = 0; i < doc.parts().size(); i++) {
                    assertArrayEquals(doc.parts().get(i).content(), o.document().parts().get(i).content(), "changed at " + at);
                }
            } catch (DocumentRefused e) {
                refused++;
                assertTrue(!e.getMessage().contains("\n"), at + ": " + e.getMessage());
            }
        }
        assertTrue(refused > 300, "refused " + refused);
    }

    /** Content changed after signing also breaks its ZIP (CRC): the signature's failure is what is reported. */
    @Test
    void changedPackageIsReportedAsTheSignaturesFailure() throws Exception {
        byte[] signed = CmsSigner.sign(DocumentPackage.write(document(5000), DigestAlgorithm.SHA256).bytes(), pki.signing(SENDER));
        signed[indexOf(signed, "%PDF-1.4".getBytes(StandardCharsets.US_ASCII))] = '#';
        byte[] env = CmsEncryptor.encrypt(signed, List.of(r1Key.certificate()));
        DocumentRefused e = assertThrows(DocumentRefused.class, () -> new DocumentOpener(verifier, 1_000_000).open(env, r1Key));
        assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
    }

    @Test
    void bytesAfterTheSignedMessageAreRefused() throws Exception {
        byte[] signed = CmsSigner.sign(DocumentPackage.write(document(5000), DigestAlgorithm.SHA256).bytes(), pki.signing(SENDER));
        byte[] longer = Arrays.copyOf(signed, signed.length + 3);
        byte[] env = CmsEncryptor.encrypt(longer, List.of(r1Key.certificate()));
        DocumentRefused e = assertThrows(DocumentRefused.class, () -> new DocumentOpener(verifier, 1_000_000).open(env, r1Key));
        assertTrue(e.getMessage().contains("goes on after"), e.getMessage());
    }

    @Test
    void changedSignedContentFailsTheSignature() throws Exception {
        byte[] signed = CmsSigner.sign("hello receipt".getBytes(StandardCharsets.UTF_8), pki.signing(SENDER));
        int at = indexOf(signed, "hello".getBytes(StandardCharsets.UTF_8));
        signed[at] = 'j';
        DocumentRefused e = assertThrows(DocumentRefused.class, () -> verifier.verify(signed, "document", null));
        assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
    }

    /** The verifier keeps what it worked out per signer (its key, its validated path): neither may let a bad message through. */
    @Test
    void rememberedSignerStillFailsAForgeryAndExpires() throws Exception {
        SigningKey key = pki.signing(SENDER);
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(Instant.now());
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        CmsVerifier v = new CmsVerifier(new TrustAnchors(List.of(pki.root), clock));
        byte[] good = CmsSigner.sign("receipt one".getBytes(StandardCharsets.UTF_8), key);
        assertEquals(SENDER, v.verify(good, "receipt", null).unit());
        assertEquals(SENDER, v.verify(good, "receipt", null).unit()); // the second time from what was kept
        byte[] forged = CmsSigner.sign("receipt two".getBytes(StandardCharsets.UTF_8), key);
        forged[indexOf(forged, "two".getBytes(StandardCharsets.UTF_8))] = 'x';
        DocumentRefused bad = assertThrows(DocumentRefused.class, () -> v.verify(forged, "receipt", null));
        assertTrue(bad.getMessage().contains("signature does not verify"), bad.getMessage());
        now.set(key.certificate().getNotAfter().toInstant().plusSeconds(1));
        DocumentRefused expired = assertThrows(DocumentRefused.class, () -> v.verify(good, "receipt", null));
        assertTrue(expired.getMessage().contains("is not certified by the provincial CA"), expired.getMessage());
    }

    @Test
    void signerFromAnotherCaOrWithoutSigningUsageIsRefused() throws Exception {
        TestPki rogue = new TestPki("Rogue CA");
        byte[] forged = CmsSigner.sign("x".getBytes(StandardCharsets.UTF_8), rogue.signing(SENDER));
        assertTrue(assertThrows(DocumentRefused.class, () -> verifier.verify(forged, "receipt", null)).getMessage()
                .contains("not certified by the provincial CA"));
        byte[] boxSigned = CmsSigner.sign("x".getBytes(StandardCharsets.UTF_8), pki.tlsOnly(SENDER));
        assertTrue(assertThrows(DocumentRefused.class, () -> verifier.verify(boxSigned, "document", null)).getMessage()
                .contains("nonRepudiation"));
        // nonRepudiation, but a box's subject (OU = county): not a unit's document-signing certificate
        byte[] boxNamed = CmsSigner.sign("x".getBytes(StandardCharsets.UTF_8), pki.boxNamed(SENDER));
        assertTrue(assertThrows(DocumentRefused.class, () -> verifier.verify(boxNamed, "document", null)).getMessage()
                .contains("OU=document-signing"));
    }

    @Test
    void documentSignedByAnotherUnitThanItsIssuerIsRefused() throws Exception {
        Document doc = document(100);
        // R2 signs a package naming SENDER as issuer: seal refuses to do it, so build it by hand
        DocumentPackage.Packed p = DocumentPackage.write(doc, DigestAlgorithm.SHA256);
        byte[] env = CmsEncryptor.encrypt(CmsSigner.sign(p.bytes(), pki.signing(R2)), List.of(r1Key.certificate()));
        DocumentRefused e = assertThrows(DocumentRefused.class, () -> new DocumentOpener(verifier, 1_000_000).open(env, r1Key));
        assertTrue(e.getMessage().contains("signed by unit 130604-002"), e.getMessage());
        assertThrows(DocumentRefused.class, () -> DocumentSealer.seal(doc, pki.signing(R2), Map.of()));
    }

    /**
     * P-256 and SM2 signers sign through Bouncy Castle's lightweight signers with domain parameters kept for the
     * process: each signature is the signer's own, verified over the signed attributes with the certificate's key
     * by a separate implementation (P-256: the JDK's SunEC; SM2: the JCA provider's SM3withSM2 with its default
     * signer id), and each has a fresh random nonce (no two alike).
     */
    @Test
    void signaturesVerifyWithAnotherImplementationAndNeverRepeat() throws Exception {
        for (SigningKey signer : List.of(pki.signing(SENDER), pki.sm2Signing(SENDER))) {
            boolean sm2 = signer.sm2();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < 20; i++) {
                byte[] signed = CmsSigner.sign(("receipt " + (i % 2)).getBytes(StandardCharsets.UTF_8), signer);
                org.bouncycastle.cms.SignerInformation si = new org.bouncycastle.cms.CMSSignedData(sm2
                        ? new ContentInfo(org.bouncycastle.asn1.cms.CMSObjectIdentifiers.signedData,
                                ContentInfo.getInstance(ASN1Primitive.fromByteArray(signed)).getContent()).getEncoded()
                        : signed).getSignerInfos().getSigners().iterator().next();
                assertEquals(sm2 ? "1.2.156.10197.1.501" : "1.2.840.10045.4.3.2", si.getEncryptionAlgOID());
                java.security.Signature other = sm2 ? java.security.Signature.getInstance("SM3withSM2", BcProvider.get())
                        : java.security.Signature.getInstance("SHA256withECDSA", "SunEC");
                other.initVerify(signer.certificate().getPublicKey());
                other.update(si.getEncodedSignedAttributes());
                assertTrue(other.verify(si.getSignature()), (sm2 ? "SM2" : "P-256") + " signature " + i + " verifies");
                assertTrue(seen.add(java.util.HexFormat.of().formatHex(si.getSignature())), "signature " + i + " is new");
                assertEquals("receipt " + (i % 2), new String(verifier.verify(signed, "receipt", null).content(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void receiptVerifiesAndNamesItsSigner() throws Exception {
        Receipt r = new Receipt(MessageIds.newId(), SENDER, R1, Instant.now(), List.of(new PartDigest("a.pdf", 3, "SHA-256", "ab")));
        assertEquals(r, Receipt.verify(r.sign(pki.signing(R1)), verifier));
        assertEquals(r, Receipt.verify(r.sign(pki.sm2Signing(R1)), verifier));
        DocumentRefused e = assertThrows(DocumentRefused.class, () -> Receipt.verify(r.sign(pki.signing(R2)), verifier));
        assertTrue(e.getMessage().contains("signed by unit 130604-002"), e.getMessage());
    }

    @Test
    void classifiedDocumentIsRefusedWithItsLevel() {
        Instant now = Instant.now();
        DocumentRefused e = assertThrows(DocumentRefused.class, () -> new DocumentMeta(MessageIds.newId(), "n", "t", SENDER,
                List.of(R1), Urgency.ROUTINE, Classification.parse("机密"), now.plusSeconds(60), now));
        assertEquals("classification", e.field());
        assertTrue(e.getMessage().contains("机密") && e.getMessage().contains("非密"), e.getMessage());
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
