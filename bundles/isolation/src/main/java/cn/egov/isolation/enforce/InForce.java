package cn.egov.isolation.enforce;

import cn.egov.rules.nft.NftRuleset;

/**
 * The ruleset this box put in force, and what it knows about it. What the live table must look
 * like is not kept here: it is derived from the ruleset ({@link ExpectedTables}), never read from
 * the table after applying.
 *
 * @param ruleset        the compiled ruleset
 * @param text           the exact script applied
 * @param appliedAt      when it was applied (or found in force exactly), ms since the epoch
 * @param lastVerifiedAt when the live table last matched it, ms since the epoch (0 = never)
 * @param drift          the last verification's result
 */
public record InForce(NftRuleset ruleset, String text, long appliedAt, long lastVerifiedAt, Drift drift) {

    InForce verified(long at, Drift d) {
        return new InForce(ruleset, text, appliedAt, d.isClean() ? at : lastVerifiedAt, d);
    }

    /** "name version (hash prefix)". */
    public String identity() {
        return ruleset.policyName() + " " + ruleset.version() + " (" + ruleset.sha256().substring(0, 12) + ")";
    }
}
