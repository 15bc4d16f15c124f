package cn.egov.isolation.enforce;

import cn.egov.rules.policy.Finding;
import java.util.List;

/**
 * The outcome of applying a policy directory.
 *
 * @param status   what happened
 * @param policy   "name version (hash)" of the policy read, or "" when none could be read
 * @param findings the validator's findings (warnings also when applied)
 * @param message  one line for logs and the alarm
 */
public record ApplyResult(Status status, String policy, List<Finding> findings, String message) {

    /** What happened to the ruleset in force. */
    public enum Status {
        /** The new ruleset is in force. */
        APPLIED,
        /** The same ruleset was already in force; nothing was touched. */
        UNCHANGED,
        /** Invalid policy or nft refused it: the previous ruleset stays in force. */
        REJECTED
    }

    public ApplyResult {
        findings = List.copyOf(findings);
    }
}
