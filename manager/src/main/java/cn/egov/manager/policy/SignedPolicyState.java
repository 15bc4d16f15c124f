package cn.egov.manager.policy;

/**
 * A unit's signed policy: what the manager sent it and what its box says is in force.
 *
 * @param sentSerial     serial of the newest bundle published to the unit (0 = none)
 * @param sentVersion    policy version of that bundle
 * @param sentAt         when it was published (ms since the epoch, 0 = never)
 * @param serialInForce  serial the box reports in force (0 = none or not reported)
 * @param versionInForce policy version of that bundle
 * @param lastOutcome    ACCEPTED or REJECTED for the last bundle the box received, "" when none
 * @param lastSerial     serial of that last bundle
 * @param rejectedCheck  the check that refused it (format, chain, signer_profile, signature, file_hash,
 *                       scope, serial, policy), "" when accepted
 * @param rejectedReason why, "" when accepted
 * @param reportedAt     when the box's report arrived (0 = never)
 */
public record SignedPolicyState(long sentSerial, String sentVersion, long sentAt, long serialInForce, String versionInForce,
                                String lastOutcome, long lastSerial, String rejectedCheck, String rejectedReason, long reportedAt) {

    /** True when the box has the newest bundle the manager sent it in force. */
    public boolean upToDate() {
        return sentSerial > 0 && serialInForce == sentSerial;
    }
}
