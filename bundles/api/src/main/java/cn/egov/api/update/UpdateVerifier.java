package cn.egov.api.update;

import cn.egov.api.policy.PolicyBundleException;
import cn.egov.api.policy.PolicyBundleException.Check;
import cn.egov.api.policy.PolicyBundleVerifier;
import cn.egov.rules.unit.UnitCode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collection;
import java.util.HexFormat;

/**
 * Decides whether a box may install an update. Checks in this order, the first that fails names
 * itself ({@link PolicyBundleException#check()}, the same names as for signed policy):
 * {@code format}, {@code chain} (to a provincial root this box trusts, valid now),
 * {@code signer_profile} (the manager's signing certificate: the policy-signing profile),
 * {@code signature}, {@code file_hash} (the package's SHA-256 and size), {@code scope} (this unit),
 * {@code serial} (greater than the last update this box installed: no downgrade by replay).
 *
 * <pre>{@code
 * UpdateManifest m = new UpdateVerifier(roots, Clock.systemUTC()).verify(BoxUpdate.read(bytes), unit, lastSerial);
 * }</pre>
 */
public final class UpdateVerifier {

    private final PolicyBundleVerifier signer;
    private final Clock clock;

    /** @param trustedRoots the provincial root certificates this box trusts (at least one) */
    public UpdateVerifier(Collection<X509Certificate> trustedRoots, Clock clock) {
        this.signer = new PolicyBundleVerifier(trustedRoots, clock);
        this.clock = clock;
    }

    /** Runs every check; returns the manifest only when all pass. */
    public UpdateManifest verify(BoxUpdate update, UnitCode unit, long serialInForce) throws PolicyBundleException {
        UpdateManifest m = UpdateManifest.parse(update.envelope().manifest());
        signer.verifySigner(update.envelope(), clock.instant());
        byte[] deb = update.deb();
        String sha = sha256(deb);
        if (deb.length != m.size() || !sha.equals(m.sha256())) {
            throw new PolicyBundleException(Check.FILE_HASH, "package " + m.packageName() + " " + m.version() + " has " + deb.length
                    + " bytes with SHA-256 " + sha + " but its signed manifest names " + m.size() + " bytes with " + m.sha256()
                    + " (changed after signing?)");
        }
        if (!m.scope().includes(unit)) {
            throw new PolicyBundleException(Check.SCOPE, "update serial " + m.serial() + " is for " + m.scope() + ", not for unit " + unit);
        }
        if (m.serial() <= serialInForce) {
            throw new PolicyBundleException(Check.SERIAL, "update serial " + m.serial() + " (" + m.version()
                    + ") is not newer than serial " + serialInForce + " installed: downgrade or replay refused");
        }
        return m;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }
}
