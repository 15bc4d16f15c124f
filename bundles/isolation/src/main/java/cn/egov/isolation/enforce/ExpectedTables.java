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
 * one {@code nft -j list} of the live table, not a scratch load. The listing is parsed when first
 * compared: an apply whose read-back is the same text needs neither parsed ({@code policy apply}'s
 * start-up, bench/RESULTS.md).
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

    /**
     * The scratch namespace's listing of a ruleset, or why there is none ({@code failure}, an
     * {@link Expected} that is not ok). Not parsed: an apply whose read-back lists the same text
     * ({@link #sameIgnoringHandles}) needs no parse of either listing.
     */
    record Listed(String json, Expected failure) {
    }

    /** A scratch listing, parsed when first needed. */
    private static final class Entry {
        final String json;
        Expected parsed;

        Entry(String json) {
            this.json = json;
        }
    }

    private final ScratchNft scratch;
    private final Map<String, Entry> cache = new LinkedHashMap<>(SIZE + 1, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
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
        Listed listed = listing(text, key);
        if (listed.failure() != null) {
            return listed.failure();
        }
        Entry e;
        synchronized (cache) {
            e = cache.get(key);
        }
        if (e == null) {
            return parse(listed.json());
        }
        synchronized (e) {
            if (e.parsed == null) {
                e.parsed = parse(e.json);
            }
            return e.parsed;
        }
    }

    /** The scratch namespace's listing of {@code ruleset} (loaded unless remembered), not parsed. */
    Listed listing(NftRuleset ruleset) {
        String text = ruleset.commands();
        return listing(text, sha256(text));
    }

    private Listed listing(String text, String key) {
        synchronized (cache) {
            Entry e = cache.get(key);
            if (e != null) {
                return new Listed(e.json, null);
            }
        }
        NftCommand.Result r = scratch.load(text);
        if (r.exitCode() == ScratchNft.REFUSED) {
            return new Listed(null, new Expected(null, true, r.stderr().strip()));
        }
        if (!r.ok()) {
            return new Listed(null, new Expected(null, false, "cannot load the ruleset into a scratch network namespace (exit "
                    + r.exitCode() + "): " + r.stderr().strip()));
        }
        synchronized (cache) {
            cache.put(key, new Entry(r.stdout()));
        }
        return new Listed(r.stdout(), null);
    }

    private static Expected parse(String json) {
        try {
            return new Expected(CanonicalTable.parse(json), false, "");
        } catch (IllegalArgumentException e) {
            return new Expected(null, false, "the scratch namespace's listing cannot be read: " + e.getMessage());
        }
    }

    /**
     * True when two listings of {@code nft -j list table} are the same text apart from the handles
     * (the kernel's numbers of one load, which {@link CanonicalTable} leaves out too): then their
     * canonical tables are equal, and neither needs parsing. Anything else (counters that traffic
     * moved, another order) is compared in canonical form. Inside a JSON string a quote is escaped,
     * so {@code , "handle": } is always a member.
     */
    static boolean sameIgnoringHandles(String a, String b) {
        int i = 0;
        int j = 0;
        while (true) {
            i = skipHandle(a, i);
            j = skipHandle(b, j);
            if (i == a.length() || j == b.length()) {
                return i == a.length() && j == b.length();
            }
            if (a.charAt(i) != b.charAt(j)) {
                return false;
            }
            i++;
            j++;
        }
    }

    private static final String HANDLE = ", \"handle\": ";

    /** {@code at}, or past the handle member that starts there. */
    private static int skipHandle(String s, int at) {
        if (!s.startsWith(HANDLE, at)) {
            return at;
        }
        int k = at + HANDLE.length();
        int digits = k;
        while (k < s.length() && Character.isDigit(s.charAt(k))) {
            k++;
        }
        return k > digits ? k : at;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }
}
