package cn.egov.bench.ca;

import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Load driver: certificates issued per second by {@link ProvincialCa} (sign + record in the
 * SQLite register, one transaction per certificate) for the box profile (ECDSA P-256) and the
 * SM2 signing profile (SM3withSM2), with the same-run baseline of raw signatures of the same
 * algorithms (Bouncy Castle, as the CA uses) over a certificate-sized message.
 *
 * <pre>java -cp ... cn.egov.bench.ca.CertificateIssueDriver [count]</pre>
 */
public final class CertificateIssueDriver {

    private static final int DEFAULT_COUNT = 2_000;
    /** A box certificate's to-be-signed part is about this large. */
    private static final int TBS_BYTES = 450;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_COUNT;
        Security.addProvider(new BouncyCastleProvider());
        Path dir = Files.createTempDirectory("ca-bench");
        try (ProvincialCa ca = ProvincialCa.create(dir, "bench passphrase".toCharArray(), CaSettings.defaults("http://127.0.0.1:8081"))) {
            KeyPair p256 = KeyPairs.p256();
            KeyPair sm2 = KeyPairs.sm2();
            List<PublicKey> boxKeys = keys(n, false);
            List<PublicKey> sm2Keys = keys(n, true);
            UnitCode unit = UnitCode.parse("130602-001");
            // warm-up: JIT and SQLite page cache, not reported
            run("warm-up", n / 10, i -> ca.issueBox(boxKeys.get(i), unit, null));
            run("warm-up", n / 10, i -> ca.issueSigning(sm2Keys.get(i), "warm-up " + i));
            run("warm-up", n / 10, sign("SHA256withECDSA", p256));
            run("warm-up", n / 10, sign("SM3withSM2", sm2));

            double rawEc = run("raw signature SHA256withECDSA (baseline)", n, sign("SHA256withECDSA", p256));
            double box = run("issueBox P-256 (sign + SQLite register)", n, i -> ca.issueBox(boxKeys.get(i), unit, null));
            double rawSm2 = run("raw signature SM3withSM2 (baseline)", n, sign("SM3withSM2", sm2));
            double sign = run("issueSigning SM2 (sign + SQLite register)", n, i -> ca.issueSigning(sm2Keys.get(i), "holder " + i));
            System.out.printf(Locale.ROOT, "%nbox issuance = %.0f%% of raw ECDSA signing; SM2 issuance = %.0f%% of raw SM2 signing%n",
                    100 * box / rawEc, 100 * sign / rawSm2);
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    interface Step {
        void run(int i) throws Exception;
    }

    private static Step sign(String alg, KeyPair keys) throws Exception {
        Signature s = Signature.getInstance(alg, BouncyCastleProvider.PROVIDER_NAME);
        byte[] msg = new byte[TBS_BYTES];
        return i -> {
            msg[0] = (byte) i;
            s.initSign(keys.getPrivate());
            s.update(msg);
            s.sign();
        };
    }

    private static double run(String what, int n, Step step) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            step.run(i);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        double rate = n / s;
        if (!what.equals("warm-up")) {
            System.out.printf(Locale.ROOT, "%-46s %7d in %6.2f s = %8.0f /s%n", what, n, s, rate);
        }
        return rate;
    }

    private static List<PublicKey> keys(int n, boolean sm2) throws Exception {
        List<PublicKey> out = new ArrayList<>(n + n / 10);
        for (int i = 0; i < n + n / 10; i++) {
            out.add((sm2 ? KeyPairs.sm2() : KeyPairs.p256()).getPublic());
        }
        return out;
    }
}
