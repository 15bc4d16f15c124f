package cn.egov.isolation.signed;

/**
 * What became of one signed policy bundle the box received (or re-applied at start).
 *
 * @param status  what happened
 * @param serial  the bundle's serial, 0 when it could not be read
 * @param policy  "name version" of its policy, "" when it could not be read
 * @param check   for {@link Status#REJECTED}: the check that failed ({@code format}, {@code chain},
 *                {@code signer_profile}, {@code signature}, {@code file_hash}, {@code scope},
 *                {@code serial}, or {@code policy} when validation or nft refused it); otherwise ""
 * @param message one line for the log and the alarm
 */
public record BundleOutcome(Status status, long serial, String policy, String check, String message) {

    /** What happened to a bundle. */
    public enum Status {
        /** Verified and applied: its policy is in force. */
        APPLIED,
        /** The bundle in force arrived again (a retained message after reconnecting): nothing to do. */
        ALREADY_IN_FORCE,
        /** Refused; the previous ruleset stays in force. */
        REJECTED
    }
}
