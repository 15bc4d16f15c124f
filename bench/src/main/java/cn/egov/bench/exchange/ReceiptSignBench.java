package cn.egov.bench.exchange;

import cn.egov.exchange.cms.CmsVerifier;
import cn.egov.exchange.cms.PartDigest;
import cn.egov.exchange.cms.Receipt;
import cn.egov.exchange.cms.TrustAnchors;
import cn.egov.exchange.model.MessageIds;
import cn.egov.exchange.service.LocalUnit;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The receipt's signature alone, in one process: box B signs one per document, the hub and box A each verify
 * it. CPU time of this thread per receipt, in rounds, signing with a P-256 or an SM2 unit key of the CA.
 *
 * <pre>java -cp <bench class path> cn.egov.bench.exchange.ReceiptSignBench [receipts per round=1000] [p256|sm2]</pre>
 */
public final class ReceiptSignBench {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        boolean sm2 = args.length > 1 && "sm2".equals(args[1]);
        Path dir = Files.createTempDirectory("receipt-sign-bench");
        try (BenchPki pki = new BenchPki(dir)) {
            LocalUnit unit = pki.unit(ExchangeFlowBench.B, sm2);
            CmsVerifier verifier = new CmsVerifier(new TrustAnchors(List.of(pki.ca.rootCertificate()),
                    List.of(pki.ca.issuingCertificate(), pki.ca.sm2SigningCaCertificate()), Clock.systemUTC()));
            Receipt r = new Receipt(MessageIds.newId(), ExchangeFlowBench.A, ExchangeFlowBench.B, Instant.now(),
                    List.of(new PartDigest("正文.pdf", 1 << 20, "SHA-256", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")));
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int round = 1; round <= 5; round++) {
                long c0 = threads.getCurrentThreadCpuTime();
                byte[] signed = null;
                for (int i = 0; i < n; i++) {
                    signed = r.sign(unit.signing());
                }
                long c1 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    Receipt.verify(signed, verifier);
                }
                long c2 = threads.getCurrentThreadCpuTime();
                System.out.printf(Locale.ROOT, "round %d, %s: sign %.3f ms, verify %.3f ms per receipt (%d bytes)%n", round, sm2 ? "SM2" : "P-256",
                        (c1 - c0) / 1e6 / n, (c2 - c1) / 1e6 / n, signed.length);
            }
        } finally {
            cn.egov.bench.ingest.MessagingLayerProbe.deleteTree(dir);
        }
    }
}
