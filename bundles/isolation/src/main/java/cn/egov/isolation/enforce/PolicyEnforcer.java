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
import java.util.stream.Collectors;

/**
 * Puts a policy directory in force and proves it stays in force: load and validate, compile,
 * then one {@code nft -f} transaction that replaces only {@code table inet egov} (the kernel
 * checks the whole transaction, as {@code nft -c} does, and aborts all of it on any error); read
 * the table back and compare. Anything that fails leaves the previous ruleset in force.
 * {@link #check} runs {@code nft -c} without applying.
 * Plain class: the OSGi component and the CLI both use it.
 *
 * <pre>{@code
 * PolicyEnforcer enforcer = new PolicyEnforcer(ProcessNft.local(), Clock.systemUTC(), Path.of("/run/egov-nft.lock"));
 * ApplyResult r = enforcer.apply(Path.of("/etc/egov/policy"));   // APPLIED, UNCHANGED or REJECTED
 * Drift d = enforcer.verify();                                  // no drift, or what changed
 * }</pre>
 */
public final class PolicyEnforcer {

    private static final List<String> LIST_TABLE = List.of("-j", "list", "table", NftNames.FAMILY, NftNames.TABLE);

    private final NftCommand nft;
    private final Clock clock;
    private final Path lockFile;
    private volatile InForce inForce;

    /**
     * @param lockFile serialises changes to our table between processes (the box service and the
     *                 {@code appliance policy apply} command)
     */
    public PolicyEnforcer(NftCommand nft, Clock clock, Path lockFile) {
        this.nft = nft;
        this.clock = clock;
        this.lockFile = lockFile;
    }

    /** What is in force, if this enforcer applied or adopted something. */
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

    /** Validates, renders and asks the kernel to check the ruleset ({@code nft -c}); changes nothing. */
    public ApplyResult check(Path dir) {
        Compiled c = compile(dir, today());
        if (c.ruleset() == null) {
            return rejected(c.load(), "policy " + dir + " is not valid");
        }
        NftCommand.Result r = nft.run(List.of("-c", "-f", "-"), c.ruleset().text());
        if (!r.ok()) {
            return new ApplyResult(ApplyResult.Status.REJECTED, c.load().policy().identity(), c.load().findings(),
                    "nft -c refused the ruleset: " + r.stderr().strip());
        }
        return new ApplyResult(ApplyResult.Status.UNCHANGED, c.load().policy().identity(), c.load().findings(),
                "valid: " + c.ruleset().ruleCount() + " rules, " + c.ruleset().elementCount() + " set elements; nft -c passed");
    }

    /** Applies a policy directory, or leaves the previous ruleset in force and says why. */
    public synchronized ApplyResult apply(Path dir) {
        Compiled c = compile(dir, today());
        if (c.ruleset() == null) {
            return rejected(c.load(), "policy " + dir + " is not valid; the previous ruleset stays in force");
        }
        return apply(c.ruleset(), c.load().policy().identity(), c.load().findings());
    }

    /** Re-applies what is in force (automatic restore after drift). */
    public synchronized ApplyResult restore() {
        InForce f = inForce;
        if (f == null) {
            return new ApplyResult(ApplyResult.Status.REJECTED, "", List.of(), "nothing in force to restore");
        }
        inForce = null;
        ApplyResult r = apply(f.ruleset(), f.identity(), List.of());
        if (r.status() == ApplyResult.Status.REJECTED) {
            inForce = f;
        }
        return r;
    }

    private ApplyResult apply(NftRuleset ruleset, String identity, List<Finding> findings) {
        String text = ruleset.text();
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            InForce current = inForce;
            if (current != null && current.text().equals(text)
                    && DriftDetector.compare(ruleset, current.snapshot(), readLiveOrNull()).isClean()) {
                inForce = current.verified(clock.millis(), Drift.NONE);
                return new ApplyResult(ApplyResult.Status.UNCHANGED, identity, findings, "already in force: " + identity);
            }
            if (current == null) {
                // after a restart: when the same policy is in the kernel, adopt it without touching it
                LiveTable live = readLiveOrNull();
                if (live != null && ruleset.sha256().equals(live.policyInfo("sha256"))
                        && DriftDetector.compare(ruleset, null, live).isClean()) {
                    long now = clock.millis();
                    inForce = new InForce(ruleset, text, live, now, now, Drift.NONE);
                    return new ApplyResult(ApplyResult.Status.UNCHANGED, identity, findings, "already in force: " + identity);
                }
            }
            // One transaction: the kernel checks all of it (as nft -c does) and any error aborts
            // the whole transaction, so the previous ruleset stays in force.
            NftCommand.Result r = nft.run(List.of("-f", "-"), text);
            if (!r.ok()) {
                return new ApplyResult(ApplyResult.Status.REJECTED, identity, findings,
                        "nft refused the ruleset; the previous ruleset stays in force: " + r.stderr().strip());
            }
            LiveTable after = readLiveOrNull();
            long now = clock.millis();
            Drift d = DriftDetector.compare(ruleset, null, after);
            inForce = new InForce(ruleset, text, after, now, d.isClean() ? now : 0, d);
            return new ApplyResult(ApplyResult.Status.APPLIED, identity, findings,
                    "applied " + identity + ": " + ruleset.ruleCount() + " rules, " + ruleset.elementCount() + " set elements"
                            + (d.isClean() ? "" : "; read-back differs: " + d));
        } catch (IOException e) {
            return new ApplyResult(ApplyResult.Status.REJECTED, identity, findings, "cannot lock " + lockFile + ": " + e.getMessage());
        }
    }

    /** Reads the live table and compares it with what is in force. */
    public Drift verify() {
        InForce f = inForce;
        if (f == null) {
            return new Drift(List.of("no policy in force"));
        }
        LiveTable live;
        try {
            live = readLive();
        } catch (IllegalStateException e) {
            Drift d = new Drift(List.of(e.getMessage()));
            inForce = f.verified(clock.millis(), d);
            return d;
        }
        Drift d = DriftDetector.compare(f.ruleset(), f.snapshot(), live);
        inForce = f.verified(clock.millis(), d);
        return d;
    }

    private LiveTable readLiveOrNull() {
        try {
            return readLive();
        } catch (IllegalStateException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Our live table, or null when it does not exist. */
    LiveTable readLive() {
        NftCommand.Result r = nft.run(LIST_TABLE, null);
        if (!r.ok()) {
            if (r.stderr().contains("No such file or directory")) {
                return null;
            }
            throw new IllegalStateException("nft list table failed: " + r.stderr().strip());
        }
        return LiveTable.parse(r.stdout());
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
