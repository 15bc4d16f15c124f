package cn.egov.bench.exchange;

import cn.egov.exchange.cms.DocumentSealer;
import cn.egov.exchange.keys.UnitKeyStore;
import cn.egov.exchange.model.Classification;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentMeta;
import cn.egov.exchange.model.MessageIds;
import cn.egov.exchange.model.Part;
import cn.egov.exchange.model.Urgency;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.manager.ca.PemFiles;
import cn.egov.rules.unit.UnitCode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * 1 MB documents signed and encrypted per second ({@link DocumentSealer}: package with manifest and
 * part digests, CMS SignedData, CMS EnvelopedData for one recipient), P-256 and SM2 signers, and the
 * same files through {@code openssl cms -sign} then {@code openssl cms -encrypt} (two processes per
 * file, as a script would), in the same run. Ours is measured in process (after a warm-up) and as a
 * whole process that seals every file once (JVM start included).
 *
 * <pre>java -cp <bench class path> cn.egov.bench.exchange.SealBench [files=40] [size-bytes=1048576]</pre>
 */
public final class SealBench {

    static final UnitCode SENDER = UnitCode.parse("130602-001");
    static final UnitCode RECIPIENT = UnitCode.parse("130602-002");

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--seal-all")) {
            sealAllAsOneProcess(Path.of(args[1]), args[2].equals("sm2"));
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
        Path dir = Files.createTempDirectory("seal-bench");
        Path in = Files.createDirectories(dir.resolve("in"));
        Random r = new Random(1);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            Files.write(in.resolve("doc-" + i + ".pdf"), b);
        }
        System.out.printf(Locale.ROOT, "%d files of %d bytes; %s; %d cores%n", n, size, Runtime.version(), Runtime.getRuntime().availableProcessors());
        try (BenchPki pki = new BenchPki(dir.resolve("ca"))) {
            LocalUnit recipient = pki.unit(RECIPIENT, false);
            PemFiles.write(dir.resolve("recipient.pem"), recipient.decryption().certificate());
            for (boolean sm2 : new boolean[] {false, true}) {
                String alg = sm2 ? "sm2" : "p256";
                LocalUnit sender = pki.unit(SENDER, sm2);
                Path keys = Files.createDirectories(dir.resolve("keys-" + alg));
                new UnitKeyStore(keys, "bench".toCharArray()).save(sender);
                PemFiles.write(dir.resolve(alg + "-signer.pem"), sender.signing().certificate());
                PemFiles.write(dir.resolve(alg + "-signer.key"), sender.signing().key());

                List<byte[]> contents = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    contents.add(Files.readAllBytes(in.resolve("doc-" + i + ".pdf")));
                }
                for (int i = 0; i < Math.max(5, n / 4); i++) {
                    seal(sender, recipient.decryption().certificate(), contents.get(i % n)); // warm-up
                }
                long t0 = System.nanoTime();
                long bytes = 0;
                for (byte[] c : contents) {
                    bytes += seal(sender, recipient.decryption().certificate(), c);
                }
                double inProcess = n / seconds(t0);
                double jvm = wholeProcess(dir, alg, n);
                double openssl = openssl(dir, alg, n);
                System.out.printf(Locale.ROOT, "%s: in process %.1f documents/s (%.1f MB/s, envelopes %.2f MB each); whole process "
                                + "(JVM start included) %.1f/s; openssl %.1f/s; ratio in process %.2f, whole process %.2f%n",
                        alg, inProcess, inProcess * size / 1e6, bytes / (double) n / 1e6, jvm, openssl, inProcess / openssl, jvm / openssl);
            }
        }
    }

    static long seal(LocalUnit sender, X509Certificate recipient, byte[] content) {
        return sealed(sender, recipient, content).length;
    }

    /** One file sealed as a document of its own: the envelope. */
    static byte[] sealed(LocalUnit sender, X509Certificate recipient, byte[] content) {
        Instant now = Instant.now();
        Document d = new Document(new DocumentMeta(MessageIds.newId(), "冀文〔2026〕1号", "bench", SENDER, List.of(RECIPIENT), Urgency.ROUTINE,
                Classification.NON_SECRET, now.plus(Duration.ofDays(1)), now), List.of(new Part("正文.pdf", "application/pdf", content)));
        return DocumentSealer.seal(d, sender.signing(), Map.of(RECIPIENT, recipient)).envelope();
    }

    /** Seals every file of {@code dir/in} once in a new JVM, as a clerk's batch would be; documents per second of its whole run. */
    private static double wholeProcess(Path dir, String alg, int n) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                SealBench.class.getName(), "--seal-all", dir.toString(), alg);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the sealing process failed");
        }
        return n / seconds(t0);
    }

    static void sealAllAsOneProcess(Path dir, boolean sm2) throws Exception {
        LocalUnit sender = new UnitKeyStore(dir.resolve("keys-" + (sm2 ? "sm2" : "p256")), "bench".toCharArray()).load(SENDER).orElseThrow();
        X509Certificate recipient;
        try (InputStream in = Files.newInputStream(dir.resolve("recipient.pem"))) {
            recipient = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        Path out = Files.createDirectories(dir.resolve("out-java"));
        try (var files = Files.list(dir.resolve("in"))) {
            for (Path f : files.sorted().toList()) {
                Instant now = Instant.now();
                Document d = new Document(new DocumentMeta(MessageIds.newId(), "冀文〔2026〕1号", "bench", SENDER, List.of(RECIPIENT),
                        Urgency.ROUTINE, Classification.NON_SECRET, now.plus(Duration.ofDays(1)), now),
                        List.of(new Part("正文.pdf", "application/pdf", Files.readAllBytes(f))));
                Files.write(out.resolve(f.getFileName() + ".p7m"), DocumentSealer.seal(d, sender.signing(), Map.of(RECIPIENT, recipient)).envelope());
            }
        }
    }

    /**
     * The same files through openssl, as a script would (two processes per file). P-256: {@code cms -sign}
     * (SHA-256) then {@code cms -encrypt} (AES-256, ECDH to the P-256 recipient). SM2: Debian's openssl 3.0
     * cannot make CMS SignedData with an SM2 key ({@code cms -sign} writes nothing: "illegal zero content",
     * see OpensslCmsTest), so the nearest same work is {@code dgst -sm3 -sign} (SM3 over the file, one SM2
     * signature, no CMS) then the same {@code cms -encrypt}.
     */
    private static double openssl(Path dir, String alg, int n) throws Exception {
        String sign = alg.equals("sm2")
                ? " openssl dgst -sm3 -sign sm2-signer.key -out out-openssl/$b.sig $f;"
                + " openssl cms -encrypt -binary -aes256 -in $f -recip recipient.pem -outform DER -out out-openssl/$b.p7m;"
                : " openssl cms -sign -binary -nodetach -md sha256 -in $f -signer p256-signer.pem -inkey p256-signer.key"
                + " -outform DER -out out-openssl/$b.sig;"
                + " openssl cms -encrypt -binary -aes256 -in out-openssl/$b.sig -recip recipient.pem -outform DER -out out-openssl/$b.p7m;";
        String script = "set -e; mkdir -p out-openssl; for f in in/*.pdf; do b=$(basename $f);" + sign + " done";
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("openssl failed for " + alg);
        }
        return n / seconds(t0);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
