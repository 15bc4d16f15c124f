package cn.egov.manager.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.support.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PDF laid out with the embedded CJK font, the evidence attached and the manager's signature, read
 * back by poppler's own tools: {@code pdftotext} gives the Chinese text, {@code pdfdetach} the
 * attached evidence whose SHA-256 the page states, {@code pdfsig} says the signature is valid and,
 * with the province's root in an NSS database, the certificate trusted; one changed byte in the
 * signed range and {@code pdfsig} reports the mismatch. The README's commands for auditors (an NSS
 * database with the root and {@code pdfsig}; {@code openssl cms} alone) run as written and say the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedPdfTest {

    @TempDir
    static Path dir;
    private ProvincialCa ca;
    private DocumentSigner signer;
    private byte[] signed;
    private EvidenceDigest digest;

    @BeforeAll
    void sign() throws Exception {
        ca = ProvincialCa.create(dir.resolve("ca"), "pdf test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
        signer = DocumentSigner.issue(ca);
        digest = EvidenceDigest.of(Map.of("unit", "130602-001", "名称", "保定市竞秀区教育局"));
        CjkFont font = CjkFont.at(Path.of(CjkFont.DEFAULT_PATH), "report.font");
        byte[] unsigned;
        try (PdfLayout pdf = PdfLayout.open(font, "审计报告 Audit report", "证据 SHA-256 " + digest.sha256())) {
            pdf.heading("汇总 Summary");
            pdf.paragraph("保定市竞秀区教育局的隔离策略已验证 " + "长文本 ".repeat(80) + "and a long English sentence that must wrap at a space");
            pdf.table(new float[]{2, 1, 4}, List.of("项目 Item", "结论 Verdict", "依据 Data"),
                    List.of(List.of("隔离策略 Policy", "合格 PASS", "baseline 2026.1 in force"),
                            List.of("违规外联 Violations", "不合格 FAIL", "=cmd|' /C calc'!A0 \u0007 𠀀 emoji \uD83D\uDE00")));
            pdf.attach("evidence.json", "application/json", digest.json());
            unsigned = pdf.bytes();
        }
        signed = signer.sign(unsigned, "审计报告 audit report");
        Files.write(dir.resolve("report.pdf"), signed);
        Files.writeString(dir.resolve("root.pem"), PemFiles.encode(ca.rootCertificate()));
    }

    @AfterAll
    void close() throws Exception {
        if (ca != null) {
            ca.close();
        }
    }

    @Test
    void pdftotextGivesTheChineseText() throws Exception {
        Cli.Result r = Cli.run(dir, List.of("pdftotext", "-enc", "UTF-8", "report.pdf", "-"));
        assertEquals(0, r.exit(), r.output());
        String text = r.output();
        assertTrue(text.contains("审计报告 Audit report"), text);
        assertTrue(text.contains("保定市竞秀区教育局"), text);
        assertTrue(text.contains("违规外联"), text);
        assertTrue(text.contains(digest.sha256()), "the running header states the evidence hash: " + text);
        assertTrue(text.contains("第 1 / "), text);
    }

    @Test
    void theFontIsEmbeddedAsASubset() throws Exception {
        Cli.Result r = Cli.run(dir, List.of("pdffonts", "report.pdf"));
        assertEquals(0, r.exit(), r.output());
        String line = r.output().lines().filter(l -> l.contains("WenQuanYi") || l.contains("Hei")).findFirst().orElseThrow(() ->
                new AssertionError(r.output()));
        assertTrue(line.matches("^[A-Z]{6}\\+.*"), "a subset (tag+name): " + line);
        assertTrue(line.contains(" yes yes "), "embedded, subset: " + line);
    }

    @Test
    void theAttachedEvidenceHasTheStatedHash() throws Exception {
        Cli.Result r = Cli.bash(dir, "pdfdetach -saveall -o " + dir.resolve("out") + " report.pdf 2>&1; mkdir -p out; pdfdetach -save 1 -o out/evidence.json report.pdf && sha256sum out/evidence.json");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains(digest.sha256()), r.output());
        assertEquals(new String(digest.json(), StandardCharsets.UTF_8), Files.readString(dir.resolve("out/evidence.json")));
    }

    @Test
    void pdfsigVerifiesTheSignatureAndTrustsTheProvincialRoot() throws Exception {
        Cli.Result plain = Cli.run(dir, List.of("pdfsig", "-no-ocsp", "report.pdf"));
        assertTrue(plain.output().contains("Signature Validation: Signature is Valid."), plain.output());
        assertTrue(plain.output().contains("ETSI.CAdES.detached"), plain.output());
        assertTrue(plain.output().contains("report signer"), plain.output());
        Cli.Result trusted = Cli.bash(dir, "mkdir -p nss && certutil -N -d sql:nss --empty-password"
                + " && certutil -A -d sql:nss -n hebei-root -t C,C,C -i root.pem && pdfsig -no-ocsp -nssdir sql:nss report.pdf");
        assertEquals(0, trusted.exit(), trusted.output());
        assertTrue(trusted.output().contains("Signature Validation: Signature is Valid."), trusted.output());
        assertTrue(trusted.output().contains("Certificate Validation: Certificate is Trusted."), trusted.output());
    }

    @Test
    void oneChangedByteBreaksTheSignature() throws Exception {
        // the header's binary comment line ("%PDF-1.x" then "%" and four bytes above 127): inside the
        // signed range, and a reader still opens the document
        int comment = new String(signed, StandardCharsets.ISO_8859_1).indexOf("\n%") + 2;
        assertTrue(comment > 2 && comment < 20 && (signed[comment] & 0xff) > 127, "a binary comment after the header");
        byte[] changed = signed.clone();
        changed[comment] ^= 0x01;
        Files.write(dir.resolve("changed.pdf"), changed);
        Cli.Result r = Cli.run(dir, List.of("pdfsig", "-no-ocsp", "changed.pdf"));
        assertTrue(r.output().contains("Signature Validation: Digest Mismatch."), r.output());
        assertFalse(r.output().contains("Signature is Valid"), r.output());
    }

    @Test
    void theReadmesCommandsVerifyTheSignatureAgainstTheRootAsWritten() throws Exception {
        List<String> blocks = readmeBlocks();
        assertEquals(2, blocks.size(), "the README's pdfsig and openssl blocks: " + blocks);
        Path good = Files.createDirectories(dir.resolve("readme-good"));
        Files.write(good.resolve("report.pdf"), signed);
        Files.copy(dir.resolve("root.pem"), good.resolve("root.pem"));
        Cli.Result nss = Cli.bash(good, "set -e\n" + blocks.get(0));
        assertEquals(0, nss.exit(), nss.output());
        assertTrue(nss.output().contains("Signature is Valid.") && nss.output().contains("Certificate is Trusted."), nss.output());
        Cli.Result openssl = Cli.bash(good, "set -e\n" + blocks.get(1));
        assertEquals(0, openssl.exit(), openssl.output());
        assertTrue(openssl.output().contains("the whole file is signed, but for the signature"), openssl.output());
        assertTrue(openssl.output().contains("CMS Verification successful"), openssl.output());
        assertTrue(openssl.output().contains("OU = report-signing"), openssl.output());

        Path bad = Files.createDirectories(dir.resolve("readme-changed"));
        byte[] changed = signed.clone();
        int comment = new String(signed, StandardCharsets.ISO_8859_1).indexOf("\n%") + 2;
        changed[comment] ^= 0x01; // inside the first signed range (see oneChangedByteBreaksTheSignature)
        Files.write(bad.resolve("report.pdf"), changed);
        Files.copy(dir.resolve("root.pem"), bad.resolve("root.pem"));
        Cli.Result refused = Cli.bash(bad, "set -e\n" + blocks.get(1));
        assertTrue(refused.exit() != 0 && refused.output().contains("Verification failure"), refused.output());
    }

    /** The shell blocks after the README's marker for this test, up to the next heading. */
    private static List<String> readmeBlocks() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int from = readme.indexOf("<!-- SignedPdfTest runs each block below");
        assertTrue(from > 0, "manager/README.md marks the auditor's verification commands for this test");
        String rest = readme.substring(from);
        int end = rest.indexOf("\n#");
        rest = end < 0 ? rest : rest.substring(0, end);
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL).matcher(rest);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void aMissingFontIsOneClearSentence() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CjkFont.at(dir.resolve("none.ttc"), "report.font"));
        assertTrue(e.getMessage().startsWith("report.font " + dir.resolve("none.ttc") + ": no such font file; install Debian's fonts-wqy-microhei"),
                e.getMessage());
        IllegalArgumentException cff = assertThrows(IllegalArgumentException.class,
                () -> CjkFont.at(Path.of("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), "report.font"));
        assertTrue(cff.getMessage().contains("cannot embed this font (its outlines are CFF"), cff.getMessage());
        Path text = dir.resolve("not-a-font.ttf");
        java.nio.file.Files.writeString(text, "not a font");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> CjkFont.at(text, "report.font"));
        assertTrue(bad.getMessage().startsWith("report.font " + text + ": cannot embed this font ("), bad.getMessage());
    }
}
