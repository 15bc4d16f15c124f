package cn.egov.bench.exchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The CPU floor of one document's trip box → hub → box: what the exchange's contract makes every
 * 1 MB document cost in this JVM's own cryptography, measured per primitive after a warm-up, summed
 * as the trip uses them, and set against what two cores could then carry at best. The trip: two TLS
 * hops (each AES-GCM encrypted by the sender and decrypted by the receiver), one CMS EnvelopedData
 * opened at the recipient (AES-256-CBC), two SHA-256 passes there (the signature's content digest,
 * the parts' digests that the receipt carries), and the megabyte copied into a store at the hub and
 * at the recipient. {@code openssl speed} on the same primitives runs in the same invocation, for the
 * machine's own best (assembly, larger blocks). Nothing of the exchange runs here: this is the
 * ceiling no implementation of the contract can pass on this machine, not a figure of the product.
 *
 * <pre>java -cp <bench class path> cn.egov.bench.exchange.CryptoFloorBench [megabytes per round=1000]</pre>
 */
public final class CryptoFloorBench {

    private static final int MB = 1 << 20;
    private static final int CHUNK = 16 << 10;

    /** Per-document use of each primitive on the trip, as the class comment counts them. */
    private static final int GCM_ENCRYPTS = 2;
    private static final int GCM_DECRYPTS = 2;
    private static final int CBC_DECRYPTS = 1;
    private static final int SHA256_PASSES = 2;
    private static final int COPIES = 2;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        byte[] data = new byte[MB];
        new SecureRandom().nextBytes(data);
        SecretKey key = new SecretKeySpec(new byte[32], "AES");
        System.out.printf(Locale.ROOT, "%s; %d cores; %d MB per primitive and round%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), n);
        Primitives p = null;
        for (int round = 0; round < 3; round++) { // round 0 is the warm-up: C2 brings the AES and SHA intrinsics
            p = Primitives.measure(data, key, n, round);
            System.out.printf(Locale.ROOT, "round %d (ms per MB): AES-256-GCM encrypt %.3f, decrypt %.3f; AES-256-CBC decrypt %.3f; SHA-256 %.3f; copy %.3f%n",
                    round, p.gcmEncrypt, p.gcmDecrypt, p.cbcDecrypt, p.sha256, p.copy);
        }
        double floor = GCM_ENCRYPTS * p.gcmEncrypt + GCM_DECRYPTS * p.gcmDecrypt + CBC_DECRYPTS * p.cbcDecrypt
                + SHA256_PASSES * p.sha256 + COPIES * p.copy;
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "floor per 1 MB document: %.2f ms of CPU; at best %.0f documents/s on %d cores%n",
                floor, cores * 1000 / floor, cores);
        for (String alg : new String[] {"aes-256-gcm", "aes-256-cbc", "sha256"}) {
            System.out.println("openssl speed -decrypt " + alg + " (1 MB blocks): " + opensslSpeed(alg));
        }
    }

    /** Milliseconds of one thread per megabyte for each primitive, in one round. */
    private record Primitives(double gcmEncrypt, double gcmDecrypt, double cbcDecrypt, double sha256, double copy) {

        static Primitives measure(byte[] data, SecretKey key, int n, int round) throws GeneralSecurityException {
            // TLS 1.3 records: each 16 KB piece sealed on its own with a nonce of its own, one cipher object
            int records = (data.length + CHUNK - 1) / CHUNK;
            byte[][] sealed = new byte[records][];
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < records; r++) {
                    // a fresh nonce each time: the JDK refuses to reuse one for encryption
                    gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce(round, i, r)));
                    sealed[r] = gcm.doFinal(data, r * CHUNK, Math.min(CHUNK, data.length - r * CHUNK));
                }
            }
            double gcmEnc = perMb(t, n);
            t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < records; r++) {
                    gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce(round, n - 1, r)));
                    gcm.doFinal(sealed[r]);
                }
            }
            double gcmDec = perMb(t, n);
            IvParameterSpec cbcIv = new IvParameterSpec(new byte[16]);
            Cipher enc = Cipher.getInstance("AES/CBC/NoPadding");
            enc.init(Cipher.ENCRYPT_MODE, key, cbcIv);
            byte[] cbc = enc.doFinal(data);
            t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
                c.init(Cipher.DECRYPT_MODE, key, cbcIv);
                chunked(c, cbc);
            }
            double cbcDec = perMb(t, n);
            t = System.nanoTime();
            int sink = 0;
            for (int i = 0; i < n; i++) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                for (int off = 0; off < data.length; off += CHUNK) {
                    md.update(data, off, Math.min(CHUNK, data.length - off));
                }
                sink += md.digest()[0];
            }
            double sha = perMb(t, n);
            t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += data.clone()[i & (MB - 1)];
            }
            double copy = perMb(t, n);
            if (sink == Integer.MIN_VALUE) {
                System.out.print(""); // keeps the results alive for the JIT
            }
            return new Primitives(gcmEnc, gcmDec, cbcDec, sha, copy);
        }

        /**
         * Through the cipher in 16 KB pieces, as a streaming CMS parser feeds it: the
         * JDK's AES and SHA intrinsics replace the methods that process one piece, which C2 compiles
         * only after thousands of calls; one call per megabyte would keep them interpreted for ever.
         */
        private static byte[] chunked(Cipher c, byte[] in) throws GeneralSecurityException {
            byte[] out = new byte[c.getOutputSize(in.length)];
            int o = 0;
            for (int off = 0; off < in.length; off += CHUNK) {
                o += c.update(in, off, Math.min(CHUNK, in.length - off), out, o);
            }
            c.doFinal(out, o);
            return out;
        }

        private static byte[] nonce(int round, int doc, int record) {
            return new byte[] {(byte) round, (byte) doc, (byte) (doc >> 8), (byte) (doc >> 16), (byte) record, (byte) (record >> 8), 0, 0, 0, 0, 0, 0};
        }

        private static double perMb(long startNanos, int n) {
            return (System.nanoTime() - startNanos) / 1e6 / n;
        }
    }

    /** The last line of {@code openssl speed -decrypt -evp ALG} at 1 MB blocks, single-threaded. */
    private static String opensslSpeed(String alg) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("openssl", "speed", "-seconds", "2", "-bytes", String.valueOf(MB), "-decrypt", "-evp", alg)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String last = "";
        try (InputStream in = p.getInputStream()) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    last = line.trim();
                }
            }
        }
        p.waitFor();
        String[] f = last.split("\\s+");
        double kbPerS = Double.parseDouble(f[f.length - 1].replace("k", ""));
        return String.format(Locale.ROOT, "%.3f ms per MB", MB / kbPerS); // "k" is 1,000 bytes per second
    }
}
