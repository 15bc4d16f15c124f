package cn.egov.api.portal;

import java.util.Locale;

/**
 * A site snapshot was refused; {@link #check()} says which check failed, the message says why in
 * words an operator understands (naming the site, version, file or certificate).
 */
public final class SnapshotException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a snapshot is refused, roughly in the order the checks run. */
    public enum Check {
        /** The envelope or manifest cannot be read (bad JSON, a missing or malformed field, too large). */
        FORMAT,
        /** The signer's chain does not lead to a trusted provincial root (foreign CA, expired, broken chain). */
        CHAIN,
        /** The signer is not a portal-signing certificate (a box, TLS or policy-signing certificate). */
        SIGNER_PROFILE,
        /** The signature does not match the manifest (changed after signing). */
        SIGNATURE,
        /** The provincial CA revoked the signer's certificate. */
        REVOKED,
        /** A listed path could escape the site or is not a plain site path ({@link SitePath}). */
        PATH,
        /** A file is larger than this box accepts. */
        SIZE,
        /** This box's unit is not among the site's mirrors, or the manifest names another site. */
        SCOPE,
        /** The version is not newer than the one this box has (rollback or replay). */
        VERSION,
        /** Fetched content does not have the SHA-256 its manifest entry names. */
        FILE_HASH,
        /** The manager did not deliver a file the manifest lists. */
        MISSING,
        /** The box could not store the snapshot (disk full, I/O error): nothing changed. */
        STORE;

        /** Lower-case name for alarms and telemetry, e.g. {@code signer_profile}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Check check;

    public SnapshotException(Check check, String message) {
        super(message);
        this.check = check;
    }

    public SnapshotException(Check check, String message, Throwable cause) {
        super(message, cause);
        this.check = check;
    }

    public Check check() {
        return check;
    }
}
