package cn.egov.api.policy;

/**
 * A signed policy bundle was refused; {@link #check()} says which check failed, the message says
 * why in words an operator understands (naming the field, file or certificate).
 */
public final class PolicyBundleException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The checks of {@link PolicyBundleVerifier}, in the order they run. */
    public enum Check {
        /** The envelope or manifest cannot be read (bad JSON, a missing or malformed field, too large). */
        FORMAT,
        /** The signer's chain does not lead to a trusted provincial root (foreign CA, expired, broken chain). */
        CHAIN,
        /** The signer's certificate is not a policy-signing certificate (e.g. a box or TLS certificate). */
        SIGNER_PROFILE,
        /** The signature does not match the manifest (the manifest was changed after signing). */
        SIGNATURE,
        /** A file's content does not match the SHA-256 its manifest entry names. */
        FILE_HASH,
        /** This box's unit is not in the bundle's scope. */
        SCOPE,
        /** The serial is not greater than the one in force (rollback or replay). */
        SERIAL,
        /** The provincial CA has revoked the signer's certificate (a leaked or withdrawn signing key). */
        REVOKED;

        /** Lower-case name for alarms and telemetry, e.g. {@code signer_profile}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Check check;

    public PolicyBundleException(Check check, String message) {
        super(message);
        this.check = check;
    }

    public PolicyBundleException(Check check, String message, Throwable cause) {
        super(message, cause);
        this.check = check;
    }

    public Check check() {
        return check;
    }
}
