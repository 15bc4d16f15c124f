package cn.egov.bench.exchange;

import cn.egov.exchange.cms.CmsDecryptor;
import cn.egov.exchange.cms.CmsVerifier;
import cn.egov.exchange.cms.DocumentOpener;
import cn.egov.exchange.cms.DocumentPackage;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.service.LocalUnit;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What box B spends opening one document (decrypt, verify signature and chain, unpack, digest the parts),
 * in one process, the two ways taken in turn on the same envelopes: {@code streamed}, {@link DocumentOpener}
 * (one pass: the envelope decrypted into the SignedData parser and the ZIP reader), against {@code arrays},
 * the same steps through whole arrays as before (plaintext, parsed SignedData, signed content, each part).
 * Thread CPU time per document (this thread only: no JIT or GC threads) and allocated bytes per document.
 *
 * <pre>java -cp <bench class path> cn.egov.bench.exchange.OpenBench [documents=100] [size-bytes=1048576] [rounds=5]</pre>
 */
public final class OpenBench {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path dir = Files.createTempDirectory("open-bench");
        try (BenchPki pki = new BenchPki(dir.resolve("ca"))) {
            LocalUnit sender = pki.unit(SealBench.SENDER, false);
            LocalUnit recipient = pki.unit(SealBench.RECIPIENT, false);
            List<byte[]> envelopes = new ArrayList<>();
            Random r = new Random(3);
            for (int i = 0; i < n; i++) {
                byte[] c = new byte[size];
                r.nextBytes(c);
                envelopes.add(SealBench.sealed(sender, recipient.decryption().certificate(), c));
            }
            CmsVerifier verifier = new CmsVerifier(new TrustAnchors(List.of(pki.ca.rootCertificate()), List.of(pki.ca.issuingCertificate()),
                    Clock.systemUTC()));
            DocumentOpener opener = new DocumentOpener(verifier, 4L * size);
            Way streamed = e -> opener.open(e, recipient.decryption()).digests().size();
            Way arrays = e -> DocumentPackage.read(verifier.verify(CmsDecryptor.decrypt(e, recipient.decryption()), "document", null).content(),
                    4L * size).digests().size();
            System.out.printf(Locale.ROOT, "%d envelopes of %d bytes; %s%n", n, envelopes.get(0).length, Runtime.version());
            for (int round = 0; round <= rounds; round++) {
                double[] s = run(streamed, envelopes);
                double[] a = run(arrays, envelopes);
                // round 0 warms both up
                System.out.printf(Locale.ROOT, "%s round %d: streamed %.2f ms CPU, %.1f MB allocated per document;"
                        + " arrays %.2f ms CPU, %.1f MB allocated%n", round == 0 ? "warm-up" : "", round, s[0], s[1], a[0], a[1]);
            }
        }
    }

    interface Way {
        int open(byte[] envelope) throws Exception;
    }

    /** Thread CPU ms and MB allocated per document. */
    static double[] run(Way way, List<byte[]> envelopes) throws Exception {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) t;
        long id = Thread.currentThread().getId();
        long cpu0 = t.getCurrentThreadCpuTime();
        long bytes0 = alloc.getThreadAllocatedBytes(id);
        for (byte[] e : envelopes) {
            if (way.open(e) != 1) {
                throw new IllegalStateException("not one part");
            }
        }
        return new double[] {(t.getCurrentThreadCpuTime() - cpu0) / 1e6 / envelopes.size(),
                (alloc.getThreadAllocatedBytes(id) - bytes0) / 1e6 / envelopes.size()};
    }
}
