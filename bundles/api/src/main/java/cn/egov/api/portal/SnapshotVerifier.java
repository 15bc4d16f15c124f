package cn.egov.api.portal;

import cn.egov.api.portal.SnapshotException.Check;
import cn.egov.api.signing.SignerCheck;
import cn.egov.rules.unit.UnitCode;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;

/**
 * Decides whether a box may mirror a signed site snapshot. The checks run in this order and the
 * first that fails names itself ({@link SnapshotException#check()}):
 * <ol>
 *   <li>{@code format}, {@code path}: the envelope and manifest can be read, every path is a plain
 *       site path ({@link SitePath}: nothing absolute, no {@code ..}, no backslash or NUL);</li>
 *   <li>{@code chain}: the signer chains to a provincial root this box trusts, valid now
 *       ({@link #reverify}: when the snapshot was issued) — the same PKIX check as a signed policy
 *       ({@link SignerCheck});</li>
 *   <li>{@code signer_profile}: a portal-signing end entity ({@link PortalSigning#PORTAL_SIGNING_EKU},
 *       digitalSignature, ECDSA P-256): a box, TLS or policy-signing certificate cannot sign a site;</li>
 *   <li>{@code signature}: ECDSA/SHA-256 over the exact manifest bytes;</li>
 *   <li>{@code scope}: the manifest is the site asked for, and this box's unit is among its mirrors;</li>
 *   <li>{@code size}: no file is larger than this box accepts;</li>
 *   <li>{@code version}: newer than the version this box has of the site (no rollback, no replay).</li>
 * </ol>
 * Revocation of the signer is the caller's check (the box asks its PKI bundle), and the file
 * hashes are checked as the content arrives. {@code expires_at} is not a check: an expired
 * manifest is served with a warning (deviation from TUF, for a box cut off from the manager).
 */
public final class SnapshotVerifier {

    private final SignerCheck signers;
    private final Clock clock;

    /** @param trustedRoots the provincial root certificates this box trusts (at least one) */
    public SnapshotVerifier(Collection<X509Certificate> trustedRoots, Clock clock) {
        this.signers = new SignerCheck(trustedRoots, "a portal snapshot");
        this.clock = clock;
    }

    /**
     * Runs every check; returns the manifest only when all pass.
     *
     * @param site           the site this snapshot must be of
     * @param versionInForce the version this box has of the site, 0 when none
     * @param maxFileBytes   largest file this box accepts
     */
    public PortalManifest verify(SignedSnapshot s, UnitCode unit, String site, long versionInForce, long maxFileBytes)
            throws SnapshotException {
        PortalManifest m = checkSigned(s, unit, site, maxFileBytes, clock.instant());
        if (m.version() <= versionInForce) {
            throw new SnapshotException(Check.VERSION, "site " + m.siteName() + " version " + m.version()
                    + " is not newer than version " + versionInForce + " on this box: rollback or replay refused");
        }
        return m;
    }

    /**
     * For a snapshot this box accepted earlier (restored after a restart): every check but the
     * version, with the chain checked when the snapshot was issued, so that a site being served does
     * not fall away when its signer's certificate expires later. One issued in the future is refused.
     */
    public PortalManifest reverify(SignedSnapshot s, UnitCode unit, String site, long maxFileBytes) throws SnapshotException {
        PortalManifest m = PortalManifest.parse(s.manifest());
        if (m.issuedAt().isAfter(clock.instant())) {
            throw new SnapshotException(Check.CHAIN, "site " + m.siteName() + " version " + m.version() + " claims to be issued at "
                    + m.issuedAt() + ", in the future");
        }
        return checkSigned(s, unit, site, maxFileBytes, m.issuedAt());
    }

    private PortalManifest checkSigned(SignedSnapshot s, UnitCode unit, String site, long maxFileBytes, Instant chainAt)
            throws SnapshotException {
        PortalManifest m = PortalManifest.parse(s.manifest());
        X509Certificate signer = s.signer();
        try {
            signers.chain(s.chain(), chainAt);
        } catch (SignerCheck.Failure e) {
            throw new SnapshotException(Check.CHAIN, e.getMessage(), e.getCause());
        }
        try {
            SignerCheck.profile(signer, PortalSigning.PORTAL_SIGNING_EKU, "portal-signing certificate", "portal signer");
        } catch (SignerCheck.Failure e) {
            throw new SnapshotException(Check.SIGNER_PROFILE, e.getMessage(), e.getCause());
        }
        try {
            SignerCheck.signature(PortalSigning.SIGNATURE_ALGORITHM, signer, s.manifest(), s.signature(), "manifest of " + m.siteName());
        } catch (SignerCheck.Failure e) {
            throw new SnapshotException(Check.SIGNATURE, e.getMessage());
        }
        if (!m.siteName().equals(site)) {
            throw new SnapshotException(Check.SCOPE, "snapshot is of site " + m.siteName() + ", not of " + site);
        }
        if (!m.site().mirrors().includes(unit)) {
            throw new SnapshotException(Check.SCOPE, "site " + m.siteName() + " is mirrored by " + m.site().mirrors() + ", not by unit " + unit);
        }
        for (SiteFile f : m.files()) {
            if (f.size() > maxFileBytes) {
                throw new SnapshotException(Check.SIZE, "site " + m.siteName() + " file " + f.path() + " has " + f.size()
                        + " bytes, more than the limit of " + maxFileBytes);
            }
        }
        return m;
    }
}
