package cn.egov.isolation.enforce;

/**
 * Loads a ruleset into an empty network namespace of its own and lists it back: what the kernel
 * makes of the policy, with nothing of the box's own state in it. The real one is
 * {@link ProcessScratchNft}; tests of the plain logic may pass another.
 */
@FunctionalInterface
public interface ScratchNft {

    /** Exit code when {@code nft -f} refused the ruleset (the kernel's own check). */
    int REFUSED = 3;
    /** Exit code when the loaded table could not be listed. */
    int NOT_LISTED = 4;

    /**
     * Loads {@code commands} (a ruleset as one {@code nft} command per line,
     * {@link cn.egov.rules.nft.NftRuleset#commands()}) in a new, empty network namespace, then runs
     * {@code nft -j list table inet egov} there; the namespace goes away with the process.
     *
     * @return exit code 0 and the listing; {@link #REFUSED} or {@link #NOT_LISTED} with nft's error;
     *         anything else when the scratch namespace could not be made
     */
    NftCommand.Result load(String commands);
}
