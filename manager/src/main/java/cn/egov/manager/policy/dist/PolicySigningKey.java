package cn.egov.manager.policy.dist;

import cn.egov.api.policy.PolicyManifest;
import cn.egov.api.policy.SignedPolicyBundle;
import cn.egov.manager.ca.CertificateStatus;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.ProvincialCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The manager's policy-signing key and its certificate chain (signer, issuing CA), issued by the
 * provincial CA under {@code POLICY_SIGNING}. Kept in a PKCS#12 file protected by the CA
 * passphrase; made on first use and replaced when less than a third of its lifetime is left.
 *
 * <pre>{@code
 * PolicySigningKey k = PolicySigningKey.loadOrIssue(ca, caDir.resolve("policy-signing.p12"), passphrase);
 * SignedPolicyBundle b = k.sign(manifest);
 * }</pre>
 *
 * @param key   the P-256 private key
 * @param chain signer certificate, then the issuing CA
 */
public record PolicySigningKey(PrivateKey key, List<X509Certificate> chain) {

    /** File name of the key store in the CA directory. */
    public static final String FILE = "policy-signing.p12";
    private static final String ALIAS = "policy-signing";
    private static final String HOLDER = "isolation policy signer";
    private static final int RENEW_DIVISOR = 3;

    public PolicySigningKey {
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    public SignedPolicyBundle sign(PolicyManifest manifest) throws GeneralSecurityException {
        return SignedPolicyBundle.sign(manifest, key, chain);
    }

    /**
     * Loads the key from {@code file}, or has the CA issue a new one there when absent, near expiry,
     * or revoked (a leaked key is revoked with {@code manager ca revoke}; boxes then refuse what it
     * signs, and the next start signs with a new one).
     */
    public static PolicySigningKey loadOrIssue(ProvincialCa ca, Path file, char[] passphrase) throws IOException, GeneralSecurityException {
        if (Files.exists(file)) {
            PolicySigningKey k = load(file, passphrase);
            X509Certificate c = k.certificate();
            Instant from = c.getNotBefore().toInstant();
            Instant until = c.getNotAfter().toInstant();
            Duration left = Duration.between(Instant.now(), until);
            if (left.compareTo(Duration.between(from, until).dividedBy(RENEW_DIVISOR)) > 0
                    && c.getIssuerX500Principal().equals(ca.issuingCertificate().getSubjectX500Principal())
                    && ca.status(c.getSerialNumber()).state() != CertificateStatus.State.REVOKED) {
                return k;
            }
        }
        KeyPair pair = KeyPairs.p256();
        X509Certificate cert = ca.issuePolicySigning(pair.getPublic(), HOLDER);
        PolicySigningKey k = new PolicySigningKey(pair.getPrivate(), List.of(cert, ca.issuingCertificate()));
        k.save(file, passphrase);
        return k;
    }

    private static PolicySigningKey load(Path file, char[] passphrase) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, passphrase);
        }
        if (!(ks.getKey(ALIAS, passphrase) instanceof PrivateKey pk)) {
            throw new GeneralSecurityException(file + " holds no key '" + ALIAS + "'");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : ks.getCertificateChain(ALIAS)) {
            chain.add((X509Certificate) c);
        }
        return new PolicySigningKey(pk, chain);
    }

    private void save(Path file, char[] passphrase) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, key, passphrase, chain.toArray(Certificate[]::new));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, passphrase);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
