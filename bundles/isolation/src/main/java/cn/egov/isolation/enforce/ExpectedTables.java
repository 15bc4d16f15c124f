package cn.egov.isolation.enforce;

import cn.egov.rules.nft.NftRuleset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a compiled ruleset looks like once the kernel holds it, in {@link CanonicalTable} form: the
 * script is loaded into a scratch network namespace ({@link ScratchNft}) and listed back, so that
 * the comparison with the live table sees the kernel's own normalisation on both sides and needs
 * nothing from an earlier apply (a fresh CLI process and a restarted service compare exactly too).
 *
 * <p>Kept in memory per ruleset (the SHA-256 of its commands, which carry the policy hash and
 * differ when an exception expires), the last {@link #SIZE}: a verification every minute costs
 * one {@code nft -j list} of the live table, not a scratch load.
 */
final class ExpectedTables {

    /** Rulesets remembered: the one in force, and a few checked or applied next to it. */
    static final int SIZE = 4;

    /**
     * The expected table, or why there is none.
     *
     * @param table   the canonical table (null when there is none)
     * @param refused true when nft refused the ruleset itself (it cannot be applied either)
     * @param problem nft's or the scratch namespace's error ("" when {@code table} is set)
     */
    record Expected(CanonicalTable table, boolean refused, String problem) {
        boolean ok() {
            return table != null;
        }
    }

    private final ScratchNft scratch;
    private final Map<String, CanonicalTable> cache = new LinkedHashMap<>(SIZE + 1, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CanonicalTable> eldest) {
            return size() > SIZE;
        }
    };

    ExpectedTables(ScratchNft scratch) {
        this.scratch = scratch;
    }

    /** The canonical table {@code ruleset} becomes; loads it into a scratch namespace unless remembered. */
    Expected of(NftRuleset ruleset) {
        String text = ruleset.commands();
        String key = sha256(text);
        synchronized (cache) {
            CanonicalTable t = cache.get(key);
            if (t != null) {
                return new Expected(t, false, "");
            }
        }
        NftCommand.Result r = scratch.load(text);
        if (r.exitCode() == ScratchNft.REFUSED) {
            return new Expected(null, true, r.stderr().strip());
        }
        if (!r.ok()) {
            return new Expected(null, false, "cannot load the ruleset into a scratch network namespace (exit " + r.exitCode() + "): "
                    + r.stderr().strip());
        }
        CanonicalTable t;
        try {
            t = CanonicalTable.parse(r.stdout());
        } catch (IllegalArgumentException e) {
            return new Expected(null, false, "the scratch namespace's listing cannot be read: " + e.getMessage());
        }
        synchronized (cache) {
            cache.put(key, t);
        }
        return new Expected(t, false, "");
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }
}
