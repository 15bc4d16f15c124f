package cn.egov.isolation.enforce;

import cn.egov.rules.nft.NftRuleset;

/**
 * The ruleset this box put in force, and what it knows about it.
 *
 * @param ruleset        the compiled ruleset
 * @param text           the exact script applied
 * @param snapshot       the table as read back right after applying (null when adopted after a restart)
 * @param appliedAt      when it was applied (or adopted), ms since the epoch
 * @param lastVerifiedAt when the live table last matched it, ms since the epoch (0 = never)
 * @param drift          the last verification's result
 */
public record InForce(NftRuleset ruleset, String text, LiveTable snapshot, long appliedAt, long lastVerifiedAt, Drift drift) {

    InForce verified(long at, Drift d) {
        return new InForce(ruleset, text, snapshot, appliedAt, d.isClean() ? at : lastVerifiedAt, d);
    }

    /** "name version (hash prefix)". */
    public String identity() {
        return ruleset.policyName() + " " + ruleset.version() + " (" + ruleset.sha256().substring(0, 12) + ")";
    }
}
