package cn.egov.api.policy;

import cn.egov.api.policy.PolicyBundleException.Check;
import cn.egov.api.signing.SignerCheck;
import cn.egov.rules.unit.UnitCode;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collection;
import java.util.List;

/**
 * Decides whether a box may use a signed policy. The checks run in this order and the first that
 * fails names itself ({@link PolicyBundleException#check()}):
 * <ol>
 *   <li>{@code format}: the envelope and manifest can be read;</li>
 *   <li>{@code chain}: the signer's certificate chains to one of the provincial roots this box
 *       trusts and every certificate is valid now ({@link #reverify}: when it was issued) (PKIX;
 *       revocation is not checked here, an offline box must still restart with its policy);</li>
 *   <li>{@code signer_profile}: the signer is a policy-signing end entity (extended key usage
 *       {@link PolicySigning#POLICY_SIGNING_EKU}, key usage digitalSignature, ECDSA P-256), so
 *       a box or TLS certificate of the same CA cannot sign policy;</li>
 *   <li>{@code signature}: ECDSA/SHA-256 over the exact manifest bytes;</li>
 *   <li>{@code file_hash}: every file's content has the SHA-256 its entry names;</li>
 *   <li>{@code scope}: this box's unit is in the manifest's scope;</li>
 *   <li>{@code serial}: the serial is greater than the one in force (no rollback, no replay).</li>
 * </ol>
 *
 * <pre>{@code
 * PolicyBundleVerifier v = new PolicyBundleVerifier(List.of(provincialRoot), Clock.systemUTC());
 * try {
 *     PolicyManifest m = v.verify(SignedPolicyBundle.decode(payload), UnitCode.parse("130602-001"), 6);
 *     // m.files() may now be validated and applied
 * } catch (PolicyBundleException e) {
 *     alarm(e.check().label(), e.getMessage());   // nothing of the bundle was used
 * }
 * }</pre>
 */
public final class PolicyBundleVerifier {

    private final SignerCheck signers;
    private final Clock clock;

    /**
     * @param trustedRoots the provincial root certificates this box trusts (at least one)
     */
    public PolicyBundleVerifier(Collection<X509Certificate> trustedRoots, Clock clock) {
        this.signers = new SignerCheck(trustedRoots, "a signed policy");
        this.clock = clock;
    }

    /**
     * Runs every check; returns the manifest only when all pass.
     *
     * @param serialInForce the serial of the bundle in force, 0 when none
     */
    public PolicyManifest verify(SignedPolicyBundle bundle, UnitCode unit, long serialInForce) throws PolicyBundleException {
        return verify(bundle, unit, serialInForce, false);
    }

    /**
     * For a bundle this box accepted earlier (re-applied after a restart): every check but the
     * serial, with the chain checked at the manifest's {@code issued_at} instead of now, so that a
     * policy in force does not fall away when its signer's certificate expires later. A bundle
     * whose {@code issued_at} lies in the future is refused.
     */
    public PolicyManifest reverify(SignedPolicyBundle bundle, UnitCode unit) throws PolicyBundleException {
        return verify(bundle, unit, 0, true);
    }

    /**
     * The checks on the signer alone, for other content the manager signs with the same key in the
     * same envelope (box updates, {@code cn.egov.api.update}): {@code chain} (valid at {@code at}),
     * {@code signer_profile}, {@code signature} over the envelope's manifest bytes.
     */
    public void verifySigner(SignedPolicyBundle bundle, java.time.Instant at) throws PolicyBundleException {
        checkChain(bundle.chain(), at);
        checkProfile(bundle.chain().get(0));
        checkSignature(bundle, bundle.chain().get(0));
    }

    private PolicyManifest verify(SignedPolicyBundle bundle, UnitCode unit, long serialInForce, boolean atIssueTime)
            throws PolicyBundleException {
        PolicyManifest.Parsed parsed = PolicyManifest.parse(bundle.manifest());
        PolicyManifest m = parsed.manifest();
        X509Certificate signer = bundle.chain().get(0);
        if (atIssueTime && m.issuedAt().isAfter(clock.instant())) {
            throw new PolicyBundleException(Check.CHAIN, "bundle serial " + m.serial() + " claims to be issued at " + m.issuedAt()
                    + ", in the future");
        }
        checkChain(bundle.chain(), atIssueTime ? m.issuedAt() : clock.instant());
        checkProfile(signer);
        checkSignature(bundle, signer);
        for (PolicyFile f : m.files()) {
            String claimed = parsed.claimedHashes().get(f.name());
            if (!f.sha256().equals(claimed)) {
                throw new PolicyBundleException(Check.FILE_HASH, "file " + f.name() + " has SHA-256 " + f.sha256()
                        + " but its manifest entry names " + claimed);
            }
        }
        if (!m.scope().includes(unit)) {
            throw new PolicyBundleException(Check.SCOPE, "bundle serial " + m.serial() + " is for " + m.scope() + ", not for unit " + unit);
        }
        if (m.serial() <= serialInForce) {
            throw new PolicyBundleException(Check.SERIAL, "bundle serial " + m.serial() + " (" + m.policyName() + " "
                    + m.policyVersion() + ") is not newer than serial " + serialInForce + " in force: rollback or replay refused");
        }
        return m;
    }

    private void checkChain(List<X509Certificate> chain, java.time.Instant at) throws PolicyBundleException {
        try {
            signers.chain(chain, at);
        } catch (SignerCheck.Failure e) {
            throw new PolicyBundleException(Check.CHAIN, e.getMessage(), e.getCause());
        }
    }

    private static void checkProfile(X509Certificate signer) throws PolicyBundleException {
        try {
            SignerCheck.profile(signer, PolicySigning.POLICY_SIGNING_EKU, "policy-signing certificate", "policy signer");
        } catch (SignerCheck.Failure e) {
            throw new PolicyBundleException(Check.SIGNER_PROFILE, e.getMessage(), e.getCause());
        }
    }

    private static void checkSignature(SignedPolicyBundle bundle, X509Certificate signer) throws PolicyBundleException {
        try {
            SignerCheck.signature(PolicySigning.SIGNATURE_ALGORITHM, signer, bundle.manifest(), bundle.signature(), "manifest");
        } catch (SignerCheck.Failure e) {
            throw new PolicyBundleException(Check.SIGNATURE, e.getMessage());
        }
    }
}
