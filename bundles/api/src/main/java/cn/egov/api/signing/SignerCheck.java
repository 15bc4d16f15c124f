package cn.egov.api.signing;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.Signature;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks every signed thing from the provincial manager passes, whatever it carries (an
 * isolation policy bundle, a portal snapshot): the signer's chain leads to a provincial root the
 * box trusts, the signer is an end entity of the expected profile (its own extended key usage,
 * digitalSignature, ECDSA P-256), and the signature matches the exact signed bytes. Each verifier
 * maps a {@link Failure} to its own named check.
 *
 * <pre>{@code
 * SignerCheck signers = new SignerCheck(List.of(provincialRoot), "a portal snapshot");
 * try {
 *     signers.chain(envelope.chain(), clock.instant());
 *     SignerCheck.profile(signer, PortalSigning.PORTAL_SIGNING_EKU, "portal-signing certificate", "portal signer");
 *     SignerCheck.signature(SignerCheck.ECDSA_SHA256, signer, manifestBytes, signatureBytes, "manifest");
 * } catch (SignerCheck.Failure f) {
 *     // refuse; f.getMessage() names the signer and what is wrong
 * }
 * }</pre>
 */
public final class SignerCheck {

    /** The signature algorithm of everything the manager signs: ECDSA on P-256 with SHA-256. */
    public static final String ECDSA_SHA256 = "SHA256withECDSA";
    private static final int P256_FIELD_BITS = 256;
    private static final int KEY_USAGE_DIGITAL_SIGNATURE = 0;

    private final Set<TrustAnchor> anchors = new HashSet<>();

    /**
     * @param trustedRoots         the provincial root certificates this box trusts (at least one)
     * @param whatCannotBeVerified for the error when there is none, e.g. "a signed policy"
     * @throws IllegalArgumentException when there is none
     */
    public SignerCheck(Collection<X509Certificate> trustedRoots, String whatCannotBeVerified) {
        if (trustedRoots == null || trustedRoots.isEmpty()) {
            throw new IllegalArgumentException("no trusted root certificate: " + whatCannotBeVerified + " cannot be verified");
        }
        trustedRoots.forEach(r -> anchors.add(new TrustAnchor(r, null)));
    }

    /** A check failed; the message names the signer and what is wrong. */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        public Failure(String message) {
            super(message);
        }

        public Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * PKIX validation of {@code chain} (signer first) at {@code at}, against the trusted roots;
     * revocation is not checked here (an offline box must still restart with what it has). A root
     * sent along is the anchor, not part of the path.
     */
    public void chain(List<X509Certificate> chain, Instant at) throws Failure {
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (anchors.stream().noneMatch(a -> a.getTrustedCert().equals(c))) {
                path.add(c);
            }
        }
        try {
            CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(cp, params);
        } catch (CertPathValidatorException e) {
            throw new Failure("signer " + chain.get(0).getSubjectX500Principal().getName()
                    + " does not chain to a trusted provincial root: " + e.getMessage()
                    + (e.getReason() == null ? "" : " (" + e.getReason() + ")"), e);
        } catch (InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("trust anchors unusable: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new Failure("signer chain cannot be checked: " + e.getMessage(), e);
        }
    }

    /**
     * The signer is an end entity with extended key usage {@code eku}, key usage digitalSignature
     * and an ECDSA P-256 key, so that a box or TLS certificate of the same CA cannot sign.
     *
     * @param certificateName e.g. "policy-signing certificate", used in "is not a ..."
     * @param signerName      e.g. "policy signer", used in "is a CA certificate, not a ..."
     */
    public static void profile(X509Certificate signer, String eku, String certificateName, String signerName) throws Failure {
        String who = signer.getSubjectX500Principal().getName();
        List<String> ekus;
        try {
            ekus = signer.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new Failure("signer " + who + " has an unreadable extended key usage", e);
        }
        if (ekus == null || !ekus.contains(eku)) {
            throw new Failure("signer " + who + " is not a " + certificateName
                    + " (extended key usage " + (ekus == null ? "absent" : ekus) + " lacks " + eku + ")");
        }
        if (signer.getBasicConstraints() >= 0) {
            throw new Failure("signer " + who + " is a CA certificate, not a " + signerName);
        }
        boolean[] ku = signer.getKeyUsage();
        if (ku == null || !ku[KEY_USAGE_DIGITAL_SIGNATURE]) {
            throw new Failure("signer " + who + " lacks key usage digitalSignature");
        }
        if (!(signer.getPublicKey() instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != P256_FIELD_BITS) {
            throw new Failure("signer " + who + " has no ECDSA P-256 key");
        }
    }

    /**
     * The signature over {@code signed} verifies with the signer's key; a malformed DER signature
     * is a bad signature.
     */
    public static void signature(String algorithm, X509Certificate signer, byte[] signed, byte[] signature, String what) throws Failure {
        boolean ok;
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initVerify(signer.getPublicKey());
            s.update(signed);
            ok = s.verify(signature);
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (!ok) {
            throw new Failure("signature of " + signer.getSubjectX500Principal().getName() + " does not match the " + what
                    + " (changed after signing?)");
        }
    }
}
