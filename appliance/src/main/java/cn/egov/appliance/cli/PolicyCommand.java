package cn.egov.appliance.cli;

import cn.egov.isolation.enforce.ApplyResult;
import cn.egov.isolation.enforce.Drift;
import cn.egov.isolation.enforce.NftCommand;
import cn.egov.isolation.enforce.PolicyEnforcer;
import cn.egov.isolation.enforce.ProcessNft;
import cn.egov.rules.policy.Finding;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code appliance policy check|print|apply DIR}: the isolation policy from the command line.
 * {@code check} validates, renders and asks the kernel ({@code nft -c}) without changing anything;
 * {@code print} writes the nftables ruleset; {@code apply} puts it in force in one transaction and
 * reads it back. Exit code 0 on success, 1 when the policy is refused (the previous ruleset stays).
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = {"Check, print or apply an isolation policy directory (*.policy files).",
                "Exit code: 0 ok, 1 policy refused (previous ruleset stays in force)."})
public final class PolicyCommand {

    static final int REFUSED = 1;

    @Option(names = "--nft", paramLabel = "CMD", defaultValue = "nft", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Command that runs nft, space separated (e.g. 'ip netns exec lab nft'; default: ${DEFAULT-VALUE}).")
    String nftCommand;

    @Option(names = "--lock", paramLabel = "FILE", defaultValue = "/run/egov-nft.lock", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Lock file shared with the box service (default: ${DEFAULT-VALUE}).")
    Path lock;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Evaluate exception expiry as of this day (default: today, UTC).")
    LocalDate date;

    private NftCommand nft() {
        return new ProcessNft(Arrays.asList(nftCommand.trim().split("\\s+")));
    }

    private Clock clock() {
        return date == null ? Clock.systemUTC()
                : Clock.fixed(date.atStartOfDay(ZoneOffset.UTC).toInstant(), ZoneOffset.UTC);
    }

    private static void printFindings(List<Finding> findings) {
        findings.forEach(f -> System.err.println(f));
    }

    @Command(name = "check", description = "Validate, render and check with nft -c; changes nothing.")
    int check(@Parameters(paramLabel = "DIR", description = "policy directory") Path dir) {
        ApplyResult r = new PolicyEnforcer(nft(), clock(), lock).check(dir);
        printFindings(r.findings());
        boolean ok = r.status() != ApplyResult.Status.REJECTED;
        (ok ? System.out : System.err).println((ok ? "ok: " + r.policy() + ": " : "refused: ") + firstLine(r.message()).replaceAll(":$", ""));
        return ok ? 0 : REFUSED;
    }

    @Command(name = "print", description = "Write the nftables ruleset (nft -f input) to standard output.")
    int print(@Parameters(paramLabel = "DIR", description = "policy directory") Path dir) {
        PolicyEnforcer.Compiled c = PolicyEnforcer.compile(dir, LocalDate.now(clock()));
        printFindings(c.load().findings());
        if (c.ruleset() == null) {
            System.err.println("refused: policy " + dir + " has " + c.load().errors().size() + " error(s)");
            return REFUSED;
        }
        c.ruleset().notCompiled().forEach(n -> System.err.println("not compiled: " + n));
        System.out.print(c.ruleset().text());
        return 0;
    }

    @Command(name = "apply", description = "Apply atomically (replaces only table inet egov), then read it back.")
    int apply(@Parameters(paramLabel = "DIR", description = "policy directory") Path dir) {
        PolicyEnforcer enforcer = new PolicyEnforcer(nft(), clock(), lock);
        ApplyResult r = enforcer.apply(dir);
        printFindings(r.findings());
        if (r.status() == ApplyResult.Status.REJECTED) {
            System.err.println("refused: " + r.message());
            return REFUSED;
        }
        Drift d = enforcer.verify();
        System.out.println(r.status().name().toLowerCase() + ": " + r.message());
        System.out.println("verified: " + d);
        return d.isClean() ? 0 : REFUSED;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
