package cn.egov.isolation.enforce;

import cn.egov.rules.nft.NftNames;
import cn.egov.rules.nft.NftRuleset;
import cn.egov.rules.nft.NftablesCompiler;
import cn.egov.rules.policy.Finding;
import cn.egov.rules.policy.PolicyLoad;
import cn.egov.rules.policy.PolicyLoader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;

/**
 * Puts a policy directory in force and proves it stays in force: load and validate, compile, load
 * the ruleset into a scratch network namespace and list it back ({@link ExpectedTables}: the
 * exact form the live table must have; in {@code apply} this runs beside the steps that follow), one
 * {@code nft -f} transaction that replaces only {@code table inet egov} (the kernel checks all of it
 * and aborts all of it on any error); read the table back and compare it exactly with the scratch
 * form ({@link TableDiff}). Anything that fails leaves the previous ruleset in force.
 *
 * <p>Every comparison is exact, in every process: a table is reported "already in force" (and
 * left alone) only when it matches the policy rule by rule, set element by set element, chain
 * declaration by chain declaration. A table that was to hold this policy (the one this enforcer put
 * in force, or one that carries this policy's hash, as after a restart) but differs is drift: it is
 * reported to the caller ({@link BeforeCorrecting}) before the table is replaced.
 * Plain class: the OSGi component and the CLI both use it.
 *
 * <pre>{@code
 * PolicyEnforcer enforcer = new PolicyEnforcer(ProcessNft.local(), Clock.systemUTC(), Path.of("/run/egov-nft.lock"));
 * ApplyResult r = enforcer.apply(Path.of("/etc/egov/policy"),
 *         (policy, drift) -> System.out.println("drift found: " + drift));   // before it is corrected
 * Drift d = enforcer.verify();                                              // no drift, or what changed
 * }</pre>
 */
public final class PolicyEnforcer {

    private static final List<String> LIST_TABLE = List.of("-j", "list", "table", NftNames.FAMILY, NftNames.TABLE);
    private static final List<String> LIST_POLICY_INFO = List.of("-j", "list", "chain", NftNames.FAMILY, NftNames.TABLE, NftNames.POLICY_INFO);

    /** Told about drift before the table is replaced; the alarm or the printed line comes first. */
    @FunctionalInterface
    public interface BeforeCorrecting {
        BeforeCorrecting NOTHING = (policy, drift) -> { };

        /**
         * @param policy "name version (hash)" of the policy the live table was to hold
         * @param drift  how it differed
         */
        void drift(String policy, Drift drift);
    }

    private final NftCommand nft;
    private final ExpectedTables expected;
    private final Clock clock;
    private final Path lockFile;
    private volatile InForce inForce;

    /** With the standard scratch namespace ({@link ProcessScratchNft#standard()}). */
    public PolicyEnforcer(NftCommand nft, Clock clock, Path lockFile) {
        this(nft, ProcessScratchNft.standard(), clock, lockFile);
    }

    /**
     * @param scratch  loads a ruleset into an empty namespace and lists it (what the live table must be)
     * @param lockFile serialises changes to our table between processes (the box service and the
     *                 {@code appliance policy apply} command)
     */
    public PolicyEnforcer(NftCommand nft, ScratchNft scratch, Clock clock, Path lockFile) {
        this.nft = nft;
        this.expected = new ExpectedTables(scratch);
        this.clock = clock;
        this.lockFile = lockFile;
    }

    /** What is in force, if this enforcer applied it or found it in force exactly. */
    public Optional<InForce> inForce() {
        return Optional.ofNullable(inForce);
    }

    /** Loads, validates and compiles without touching the kernel (for {@code print}). */
    public static Compiled compile(Path dir, LocalDate today) {
        PolicyLoad load = PolicyLoader.load(dir, today);
        return new Compiled(load, load.ok() ? NftablesCompiler.compile(load.policy(), today) : null);
    }

    /** A policy directory compiled, or its findings when it is not valid. */
    public record Compiled(PolicyLoad load, NftRuleset ruleset) {
    }

    /**
     * Validates, loads the ruleset into a scratch namespace (the kernel checks all of it) and
     * compares the live table with it; changes nothing. The result is REJECTED when the policy is
     * refused, else UNCHANGED with {@link ApplyResult#drift()} saying how the live table differs
     * from the policy ({@link Drift#NONE}: it holds exactly this policy).
     */
    public ApplyResult check(Path dir) {
        return check(dir, compile(dir, today()));
    }

    /** {@link #check(Path)} of {@code dir} already compiled ({@link #compile}, with this enforcer's day). */
    public ApplyResult check(Path dir, Compiled c) {
        if (c.ruleset() == null) {
            return rejected(c.load(), "policy " + dir + " is not valid");
        }
        String identity = c.load().policy().identity();
        ExpectedTables.Expected exp = expected.of(c.ruleset());
        if (exp.refused()) {
            return new ApplyResult(ApplyResult.Status.REJECTED, identity, c.load().findings(), "nft refused the ruleset: " + exp.problem());
        }
        Drift d;
        if (!exp.ok()) {
            d = new Drift(List.of("cannot verify: " + exp.problem()));
        } else {
            try {
                d = TableDiff.compare(exp.table(), readLive(), c.ruleset(), LiveRuleText.lazy(nft));
            } catch (IllegalStateException | IllegalArgumentException e) {
                d = new Drift(List.of(e.getMessage()));
            }
        }
        return new ApplyResult(ApplyResult.Status.UNCHANGED, identity, c.load().findings(),
                "valid: " + c.ruleset().ruleCount() + " rules, " + c.ruleset().elementCount() + " set elements"
                        + (exp.ok() ? "; the kernel loads it (scratch namespace)" : ""), d);
    }

    /** Applies a policy directory, or leaves the previous ruleset in force and says why. */
    public ApplyResult apply(Path dir) {
        return apply(dir, BeforeCorrecting.NOTHING);
    }

    /** Applies a policy directory; drift found on the way is passed to {@code beforeCorrecting} before the table is replaced. */
    public synchronized ApplyResult apply(Path dir, BeforeCorrecting beforeCorrecting) {
        return apply(dir, compile(dir, today()), beforeCorrecting);
    }

    /**
     * Applies {@code c}, the policy directory {@code dir} already compiled ({@link #compile}, with
     * this enforcer's day), for a caller that uses the loaded policy too (the CLI's route guard):
     * the policy is read once.
     */
    public synchronized ApplyResult apply(Path dir, Compiled c, BeforeCorrecting beforeCorrecting) {
        if (c.ruleset() == null) {
            return rejected(c.load(), "policy " + dir + " is not valid; the previous ruleset stays in force");
        }
        return apply(c.ruleset(), c.load().policy().identity(), c.load().findings(), beforeCorrecting);
    }

    /** Re-applies what is in force (automatic restore after drift, which the caller has reported). */
    public synchronized ApplyResult restore() {
        InForce f = inForce;
        if (f == null) {
            return new ApplyResult(ApplyResult.Status.REJECTED, "", List.of(), "nothing in force to restore");
        }
        return apply(f.ruleset(), f.identity(), List.of(), BeforeCorrecting.NOTHING);
    }

    private ApplyResult apply(NftRuleset ruleset, String identity, List<Finding> findings, BeforeCorrecting beforeCorrecting) {
        String text = ruleset.text();
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            // The scratch load (what the table must look like) runs beside the live table's work:
            // it is needed only to compare, and nft -f checks the ruleset itself in one transaction
            // (policy apply's wall time, bench/RESULTS.md "Start-up").
            FutureTask<ExpectedTables.Listed> scratchLoad = new FutureTask<>(() -> expected.listing(ruleset));
            Thread loader = new Thread(scratchLoad, "policy-scratch-load");
            loader.setDaemon(true);
            loader.start();
            InForce current = inForce;
            Live live = current == null ? readLiveIdentity(ruleset.sha256()) : readLiveOrProblem();
            long now = clock.millis();
            // a table that carries another policy's hash cannot be this one: no comparison (whose
            // differences would cost a listing of the live rules' text to name)
            if (live.table() != null && ruleset.sha256().equals(live.table().policyInfo("sha256"))) {
                ExpectedTables.Expected exp = joined(ruleset, scratchLoad);
                if (exp.refused()) {
                    return refused(identity, findings, exp.problem(), Drift.NONE);
                }
                Drift d = exp.ok() ? TableDiff.compare(exp.table(), live.table(), ruleset, LiveRuleText.lazy(nft)) : null;
                if (d != null && d.isClean()) {
                    // exactly this policy: leave it alone (same handles, counters and denial records)
                    boolean same = current != null && current.text().equals(text);
                    inForce = new InForce(ruleset, text, same ? current.appliedAt() : now, now, Drift.NONE);
                    return new ApplyResult(ApplyResult.Status.UNCHANGED, identity, findings,
                            "already in force: " + identity + " (the live table matches it exactly)");
                }
            }
            Drift found = drift(current, ruleset, text, scratchLoad, live);
            if (!found.isClean()) {
                beforeCorrecting.drift(current != null ? current.identity() : identity, found);
            }
            // One transaction: the kernel checks all of it and any error aborts the whole
            // transaction, so the previous ruleset stays in force.
            NftCommand.Result r = nft.run(List.of("-f", "-"), text);
            if (!r.ok()) {
                return refused(identity, findings, r.stderr().strip(), found);
            }
            Drift readBack = readBack(ruleset, scratchLoad);
            now = clock.millis();
            inForce = new InForce(ruleset, text, now, readBack.isClean() ? now : 0, readBack);
            String before = !found.isClean() ? "drift found and corrected: " + found + "; "
                    : live.table() == null ? "table inet egov was " + (live.problem() == null ? "missing" : "unreadable (" + live.problem() + ")") + "; "
                    : !ruleset.sha256().equals(live.table().policyInfo("sha256")) ? "replaced " + live.table().policyIdentity() + "; " : "";
            return new ApplyResult(ApplyResult.Status.APPLIED, identity, findings,
                    before + "applied " + identity + ": " + ruleset.ruleCount() + " rules, " + ruleset.elementCount() + " set elements"
                            + (readBack.isClean() ? "" : "; read-back differs: " + readBack), found);
        } catch (IOException e) {
            return new ApplyResult(ApplyResult.Status.REJECTED, identity, findings, "cannot lock " + lockFile + ": " + e.getMessage());
        }
    }

    private static ApplyResult refused(String identity, List<Finding> findings, String nftError, Drift found) {
        return new ApplyResult(ApplyResult.Status.REJECTED, identity, findings,
                "nft refused the ruleset; the previous ruleset stays in force: " + nftError, found);
    }

    /**
     * The table just written, read back and compared exactly with the scratch namespace's form of
     * the ruleset: the live listing first, while the scratch load may still be running. The same
     * text but for the handles is the same table, with neither listing parsed.
     */
    private Drift readBack(NftRuleset ruleset, FutureTask<ExpectedTables.Listed> scratchLoad) {
        String listing;
        try {
            listing = readLiveJson();
        } catch (IllegalStateException e) {
            return new Drift(List.of(e.getMessage()));
        }
        ExpectedTables.Listed scratchListing = joined(scratchLoad);
        if (listing != null && scratchListing.json() != null && ExpectedTables.sameIgnoringHandles(scratchListing.json(), listing)) {
            return Drift.NONE;
        }
        CanonicalTable written;
        try {
            written = listing == null ? null : CanonicalTable.parse(listing);
        } catch (IllegalArgumentException e) {
            return new Drift(List.of(e.getMessage()));
        }
        ExpectedTables.Expected exp = joined(ruleset, scratchLoad);
        if (!exp.ok()) {
            return new Drift(List.of("cannot verify: " + (exp.refused() ? "the scratch namespace refused the ruleset: " : "") + exp.problem()));
        }
        return TableDiff.compare(exp.table(), written, ruleset, LiveRuleText.lazy(nft));
    }

    /**
     * Drift is a live table that was to hold a policy and does not: the one this enforcer had in
     * force, or (in a fresh process) a table that carries this policy's hash. A missing table or
     * another policy's table in a fresh process is no drift: that is a box starting, or a new policy.
     */
    private Drift drift(InForce current, NftRuleset ruleset, String text, FutureTask<ExpectedTables.Listed> scratchLoad, Live live) {
        if (current != null) {
            // the ruleset in force was loaded into a scratch namespace when it was applied: remembered
            ExpectedTables.Expected had = current.text().equals(text) ? joined(ruleset, scratchLoad) : expected.of(current.ruleset());
            if (live.table() == null) {
                return new Drift(List.of(live.problem() == null ? "table inet egov is missing" : live.problem()));
            }
            // without the expected form there is nothing to name: verify() reports "cannot verify"
            return had.ok() ? TableDiff.compare(had.table(), live.table(), current.ruleset(), LiveRuleText.lazy(nft)) : Drift.NONE;
        }
        if (live.table() != null && ruleset.sha256().equals(live.table().policyInfo("sha256"))) {
            ExpectedTables.Expected exp = joined(ruleset, scratchLoad);
            return exp.ok() ? TableDiff.compare(exp.table(), live.table(), ruleset, LiveRuleText.lazy(nft)) : Drift.NONE;
        }
        return Drift.NONE;
    }

    /** Reads the live table and compares it exactly with what is in force. */
    public Drift verify() {
        InForce f = inForce;
        if (f == null) {
            return new Drift(List.of("no policy in force"));
        }
        Drift d = verifyAgainst(f.ruleset(), expected.of(f.ruleset()));
        inForce = f.verified(clock.millis(), d);
        return d;
    }

    private Drift verifyAgainst(NftRuleset ruleset, ExpectedTables.Expected exp) {
        if (!exp.ok()) {
            return new Drift(List.of("cannot verify: " + exp.problem()));
        }
        try {
            return TableDiff.compare(exp.table(), readLive(), ruleset, LiveRuleText.lazy(nft));
        } catch (IllegalStateException | IllegalArgumentException e) {
            return new Drift(List.of(e.getMessage()));
        }
    }

    /** The scratch load's listing, parsed (or why there is none). */
    private ExpectedTables.Expected joined(NftRuleset ruleset, FutureTask<ExpectedTables.Listed> task) {
        ExpectedTables.Listed l = joined(task);
        return l.failure() != null ? l.failure() : expected.of(ruleset);
    }

    private static ExpectedTables.Listed joined(FutureTask<ExpectedTables.Listed> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ExpectedTables.Listed(null,
                    new ExpectedTables.Expected(null, false, "interrupted while loading the ruleset into a scratch namespace"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * The live table (null when missing), or why it could not be read. {@code table} may hold only
     * the {@code policy_info} chain ({@link #readLiveIdentity}): enough to say which policy it is.
     */
    private record Live(CanonicalTable table, String problem) {
    }

    private Live readLiveOrProblem() {
        try {
            return new Live(readLive(), null);
        } catch (IllegalStateException | IllegalArgumentException e) {
            return new Live(null, e.getMessage());
        }
    }

    /**
     * In a process with nothing in force, only which policy the live table holds decides what comes
     * next: {@code policy_info} alone is listed (no set elements), and the whole table only when it
     * carries {@code sha256}, to compare. Without that chain (no table, or a table not ours) the
     * whole table is listed as before.
     */
    private Live readLiveIdentity(String sha256) {
        NftCommand.Result r = nft.run(LIST_POLICY_INFO, null);
        if (!r.ok()) {
            return readLiveOrProblem();
        }
        CanonicalTable info;
        try {
            info = CanonicalTable.parse(r.stdout());
        } catch (IllegalArgumentException e) {
            return new Live(null, e.getMessage());
        }
        return sha256.equals(info.policyInfo("sha256")) ? readLiveOrProblem() : new Live(info, null);
    }

    /** Our live table, or null when it does not exist. */
    CanonicalTable readLive() {
        String json = readLiveJson();
        return json == null ? null : CanonicalTable.parse(json);
    }

    /** {@code nft -j list table} of our live table, or null when it does not exist. */
    private String readLiveJson() {
        NftCommand.Result r = nft.run(LIST_TABLE, null);
        if (!r.ok()) {
            if (r.stderr().contains("No such file or directory")) {
                return null;
            }
            throw new IllegalStateException("nft list table failed: " + r.stderr().strip());
        }
        return r.stdout();
    }

    private static ApplyResult rejected(PolicyLoad load, String message) {
        String errors = load.errors().stream().map(Finding::toString).collect(Collectors.joining("\n"));
        return new ApplyResult(ApplyResult.Status.REJECTED, load.policy() == null ? "" : load.policy().identity(),
                load.findings(), message + (errors.isEmpty() ? "" : ":\n" + errors));
    }

    private LocalDate today() {
        return LocalDate.now(clock);
    }
}
