package cn.egov.exchange.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.exchange.TestPki;
import cn.egov.exchange.model.Document;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exchanged format read by Debian's openssl 3: {@code openssl cms -decrypt} opens a document
 * with a recipient's key, {@code openssl cms -verify} checks the sender's P-256 signature against the
 * provincial root, and {@code unzip} unpacks the files. For SM2 signers it records what openssl 3.0
 * can do (see the README: it parses the GM/T 0010 message but does not verify it).
 */
class OpensslCmsTest {

    @TempDir
    Path dir;

    @Test
    void opensslDecryptsAndVerifiesP256Document() throws Exception {
        TestPki pki = CmsTest.pki == null ? setUp() : CmsTest.pki;
        Document doc = CmsTest.document(50_000);
        DocumentSealer.Sealed s = DocumentSealer.seal(doc, pki.signing(CmsTest.SENDER),
                Map.of(CmsTest.R1, CmsTest.r1Key.certificate(), CmsTest.R2, CmsTest.r2Key.certificate()));
        Files.write(dir.resolve("doc.p7m"), s.envelope());
        TestPki.pem(dir.resolve("enc.crt"), CmsTest.r2Key.certificate());
        TestPki.pem(dir.resolve("enc.key"), CmsTest.r2Key.key());
        TestPki.pem(dir.resolve("root.pem"), pki.root);
        run("openssl", "cms", "-decrypt", "-inform", "DER", "-in", "doc.p7m", "-recip", "enc.crt", "-inkey", "enc.key",
                "-binary", "-out", "signed.der");
        assertArrayEquals(s.signed(), Files.readAllBytes(dir.resolve("signed.der")));
        String out = run("openssl", "cms", "-verify", "-inform", "DER", "-in", "signed.der", "-CAfile", "root.pem",
                "-binary", "-out", "doc.zip");
        assertTrue(out.contains("Verification successful"), out);
        run("unzip", "-q", "doc.zip", "-d", "unpacked");
        assertArrayEquals(doc.parts().get(0).content(), Files.readAllBytes(dir.resolve("unpacked").resolve("正文.ofd")));
        assertTrue(Files.readString(dir.resolve("unpacked/manifest.json")).contains(doc.meta().messageId()));
    }

    @Test
    void opensslWithAnotherRootRefusesTheSignature() throws Exception {
        TestPki pki = CmsTest.pki == null ? setUp() : CmsTest.pki;
        byte[] signed = CmsSigner.sign("x".getBytes(StandardCharsets.UTF_8), pki.signing(CmsTest.SENDER));
        Files.write(dir.resolve("signed.der"), signed);
        TestPki.pem(dir.resolve("other.pem"), new TestPki("Other").root);
        Result r = exec("openssl", "cms", "-verify", "-inform", "DER", "-in", "signed.der", "-CAfile", "other.pem", "-out", "x");
        assertTrue(r.code != 0 && r.output.contains("certificate verify error"), r.output);
    }

    /**
     * SM2: records what Debian's openssl 3.0 does with a GM/T 0010 SignedData. It decrypts the
     * envelope (P-256 key agreement) like any other; verifying the SM2 signature is asserted only as far
     * as openssl supports it, and the outcome is written to the test output for bench/README.
     */
    @Test
    void sm2DocumentWithOpenssl() throws Exception {
        TestPki pki = CmsTest.pki == null ? setUp() : CmsTest.pki;
        Document doc = CmsTest.document(1000);
        SigningKey sm2 = pki.sm2Signing(CmsTest.SENDER);
        DocumentSealer.Sealed s = DocumentSealer.seal(doc, sm2,
                Map.of(CmsTest.R1, CmsTest.r1Key.certificate(), CmsTest.R2, CmsTest.r2Key.certificate()));
        Files.write(dir.resolve("doc.p7m"), s.envelope());
        TestPki.pem(dir.resolve("leaf.pem"), sm2.certificate());
        TestPki.pem(dir.resolve("enc.crt"), CmsTest.r1Key.certificate());
        TestPki.pem(dir.resolve("enc.key"), CmsTest.r1Key.key());
        TestPki.pem(dir.resolve("root.pem"), pki.root, pki.sm2Ca);
        run("openssl", "cms", "-decrypt", "-inform", "DER", "-in", "doc.p7m", "-recip", "enc.crt", "-inkey", "enc.key",
                "-binary", "-out", "signed.der");
        assertArrayEquals(s.signed(), Files.readAllBytes(dir.resolve("signed.der")));
        Result parse = exec("openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", "signed.der");
        Result verify = exec("openssl", "cms", "-verify", "-inform", "DER", "-in", "signed.der", "-CAfile", "root.pem",
                "-binary", "-out", "sm2.zip");
        Result certVerify = exec("openssl", "verify", "-CAfile", "root.pem", "-vfyopt", "distid:1234567812345678", "leaf.pem");
        System.out.println("SM2 openssl: certificate verify exit " + certVerify.code + " (" + firstLine(certVerify.output)
                + "); cms -cmsout -print exit " + parse.code + " (" + firstLine(parse.output) + "); cms -verify exit "
                + verify.code + " (" + verify.output.replace('\n', ' ') + ")");
        assertEquals(0, certVerify.code, "openssl verifies the SM2 certificate chain: " + certVerify.output);
    }

    /**
     * Why a unit's encryption key is P-256 even when its signing key is SM2: neither tool here can
     * encrypt a CMS message to an SM2 certificate. Debian's openssl 3.0 fails on {@code cms -encrypt}
     * to an SM2 recipient and on {@code cms -sign} with an SM2 key (it writes no message: "illegal
     * zero content"); Bouncy Castle 1.82 has no SM2 key transport in CMS and no SM4 content
     * encryption. Should either change (a newer openssl or Bouncy Castle), this test fails and says
     * which: then SM2 encryption keys can be considered.
     */
    @Test
    void neitherOpensslNorBouncyCastleEncryptCmsToAnSm2Recipient() throws Exception {
        TestPki pki = CmsTest.pki == null ? setUp() : CmsTest.pki;
        SigningKey sm2 = pki.sm2Signing(CmsTest.SENDER);
        TestPki.pem(dir.resolve("sm2.crt"), sm2.certificate());
        TestPki.pem(dir.resolve("sm2.key"), sm2.key());
        Files.writeString(dir.resolve("m.txt"), "公文");
        Result encrypt = exec("openssl", "cms", "-encrypt", "-in", "m.txt", "-recip", "sm2.crt", "-aes256", "-outform", "DER", "-out", "m.p7m");
        Result sign = exec("openssl", "cms", "-sign", "-in", "m.txt", "-signer", "sm2.crt", "-inkey", "sm2.key", "-md", "sm3", "-nodetach",
                "-outform", "DER", "-out", "m.p7s");
        System.out.println("openssl cms -encrypt to an SM2 certificate: " + firstLine(encrypt.output) + "; cms -sign with SM2: "
                + firstLine(sign.output));
        assertEquals(0, Files.size(dir.resolve("m.p7m")), "openssl 3.0 wrote no SM2 EnvelopedData: " + encrypt.output);
        assertEquals(0, Files.size(dir.resolve("m.p7s")), "openssl 3.0 wrote no SM2 SignedData: " + sign.output);

        org.bouncycastle.cms.CMSEnvelopedDataGenerator g = new org.bouncycastle.cms.CMSEnvelopedDataGenerator();
        Exception bc = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> {
            g.addRecipientInfoGenerator(new org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator(sm2.certificate())
                    .setProvider(BcProvider.get()));
            g.generate(new org.bouncycastle.cms.CMSProcessableByteArray(new byte[] {1}),
                    new org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder(org.bouncycastle.cms.CMSAlgorithm.AES256_CBC)
                            .setProvider(BcProvider.get()).build());
        }, "Bouncy Castle now does SM2 key transport in CMS");
        System.out.println("Bouncy Castle CMS key transport to SM2: " + bc);
    }

    private TestPki setUp() throws Exception {
        CmsTest.setUp();
        return CmsTest.pki;
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("");
    }

    record Result(int code, String output) {
    }

    private String run(String... cmd) throws IOException, InterruptedException {
        Result r = exec(cmd);
        if (r.code != 0) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + r.code + ": " + r.output);
        }
        return r.output;
    }

    private Result exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
