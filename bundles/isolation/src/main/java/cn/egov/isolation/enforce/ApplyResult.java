package cn.egov.isolation.enforce;

import cn.egov.rules.policy.Finding;
import java.util.List;

/**
 * The outcome of applying (or checking) a policy directory.
 *
 * @param status   what happened
 * @param policy   "name version (hash)" of the policy read, or "" when none could be read
 * @param findings the validator's findings (warnings also when applied)
 * @param message  one line for logs and the alarm
 * @param drift    apply: the drift found before the table was replaced (the live table was to hold
 *                 this policy, or the one in force, and differed from it), {@link Drift#NONE} when
 *                 there was none; check: how the live table differs from the policy, NONE when it
 *                 holds exactly this policy
 */
public record ApplyResult(Status status, String policy, List<Finding> findings, String message, Drift drift) {

    /** What happened to the ruleset in force. */
    public enum Status {
        /** The new ruleset is in force. */
        APPLIED,
        /** The same ruleset was already in force, exactly; nothing was touched. */
        UNCHANGED,
        /** Invalid policy or nft refused it: the previous ruleset stays in force. */
        REJECTED
    }

    public ApplyResult {
        findings = List.copyOf(findings);
    }

    /** Without drift. */
    public ApplyResult(Status status, String policy, List<Finding> findings, String message) {
        this(status, policy, findings, message, Drift.NONE);
    }
}
