package cn.egov.appliance.cli;

import cn.egov.isolation.enforce.ApplyResult;
import cn.egov.isolation.enforce.Drift;
import cn.egov.isolation.enforce.InForce;
import cn.egov.isolation.enforce.NftCommand;
import cn.egov.isolation.enforce.PolicyEnforcer;
import cn.egov.isolation.enforce.ProcessNft;
import cn.egov.isolation.enforce.ProcessScratchNft;
import cn.egov.isolation.route.ProcessIp;
import cn.egov.isolation.route.RouteFinding;
import cn.egov.isolation.route.RouteGuardSettings;
import cn.egov.isolation.route.RouteIsolation;
import cn.egov.isolation.route.RouteProbe;
import cn.egov.rules.policy.IsolationPolicy;
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
 * {@code check} validates, loads the ruleset into a scratch namespace (the kernel checks it) and
 * compares the live table with it exactly, without changing anything; {@code print} writes the
 * nftables ruleset; {@code apply} puts it in force in one transaction and reads it back, and names
 * any drift it found before correcting it. Both also handle the route guard ("internal ↔ Internet:
 * no route", both ways): {@code check} asks the kernel whether an isolated interface has a route to
 * the Internet or the Internet one to them, {@code apply} puts the guard's routing rules in force.
 * Exit code 0 on success, 1 when the policy is refused (the previous ruleset stays), the live table
 * does not hold exactly this policy ({@code check}), or a route was found.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = {"Check, print or apply an isolation policy directory (*.policy files).",
                "Exit code: 0 ok; 1 policy refused (previous ruleset stays in force), the live table differs from the policy "
                        + "or is missing (check: named line by line), or a route between internal and the Internet found."})
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

    @Option(names = "--ip", paramLabel = "CMD", defaultValue = "ip", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Command that runs iproute2's ip, space separated (default: ${DEFAULT-VALUE}).")
    String ipCommand;

    @Option(names = "--no-route-guard", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Leave routing alone: no guard rules, no route check.")
    boolean noRouteGuard;

    @Option(names = "--route-priority", paramLabel = "N", scope = picocli.CommandLine.ScopeType.INHERIT,
            defaultValue = "" + RouteGuardSettings.DEFAULT_PRIORITY,
            description = "Priority of the guard's first ip rule, as the box is configured (default: ${DEFAULT-VALUE}).")
    int routePriority;

    @Option(names = "--route-protocol", paramLabel = "N", scope = picocli.CommandLine.ScopeType.INHERIT,
            defaultValue = "" + RouteGuardSettings.DEFAULT_PROTOCOL,
            description = "ip rule protocol that marks the guard's rules (default: ${DEFAULT-VALUE}).")
    int routeProtocol;

    @Option(names = "--route-group", paramLabel = "N", scope = picocli.CommandLine.ScopeType.INHERIT,
            defaultValue = "" + RouteGuardSettings.DEFAULT_INTERFACE_GROUP,
            description = "Interface group of the Internet-facing interfaces (default: ${DEFAULT-VALUE}).")
    int routeGroup;

    @Option(names = "--route-isolated-group", paramLabel = "N", scope = picocli.CommandLine.ScopeType.INHERIT,
            defaultValue = "" + RouteGuardSettings.DEFAULT_ISOLATED_GROUP,
            description = "Interface group of the isolated (internal) interfaces (default: ${DEFAULT-VALUE}).")
    int routeIsolatedGroup;

    @Option(names = "--scratch", paramLabel = "CMD", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = {"Command that runs a program in new, empty namespaces, where the ruleset is loaded and listed to compare "
                    + "the live table with (repeatable, tried in order; default: '" + ProcessScratchNft.NET_NAMESPACE + "', then '"
                    + ProcessScratchNft.USER_NET_NAMESPACE + "')."})
    List<String> scratchCommands;

    @Option(names = "--route-probe", paramLabel = "ADDR", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Destination outside every government prefix to ask the kernel about (repeatable; default: public resolvers).")
    List<String> routeProbes;

    private RouteGuardSettings routeSettings() {
        return new RouteGuardSettings(routePriority, routeProtocol, routeGroup, routeIsolatedGroup,
                List.of(RouteGuardSettings.DEFAULT_ISOLATED_ZONE),
                List.of(RouteGuardSettings.DEFAULT_INTERNET_ZONE), routeProbes == null ? RouteGuardSettings.defaultProbes() : routeProbes);
    }

    private ProcessIp ip() {
        return new ProcessIp(Arrays.asList(ipCommand.trim().split("\\s+")));
    }

    /** Prints the route findings; true when there are none. */
    private static boolean printRoutes(List<RouteFinding> findings) {
        findings.forEach(f -> System.err.println("route: " + f.kind().alarmKind() + ": " + f.message()));
        System.out.println(findings.isEmpty() ? "route: no route between the isolated zones and the Internet"
                : "route: " + findings.size() + " finding(s)");
        return findings.isEmpty();
    }

    private NftCommand nft() {
        return new ProcessNft(Arrays.asList(nftCommand.trim().split("\\s+")));
    }

    private PolicyEnforcer enforcer() {
        return new PolicyEnforcer(nft(), new ProcessScratchNft(scratchCommands == null ? ProcessScratchNft.DEFAULT_COMMANDS : scratchCommands),
                clock(), lock);
    }

    private Clock clock() {
        return date == null ? Clock.systemUTC()
                : Clock.fixed(date.atStartOfDay(ZoneOffset.UTC).toInstant(), ZoneOffset.UTC);
    }

    private static void printFindings(List<Finding> findings) {
        findings.forEach(f -> System.err.println(f));
    }

    @Command(name = "check", description = {"Validate, load into a scratch namespace (the kernel's check), and compare the live "
            + "table with it exactly; changes nothing.", "Exit 1 names every difference: a rule, set element or chain declaration "
            + "changed, added or removed, the table missing or holding another policy."})
    int check(@Parameters(paramLabel = "DIR", description = "policy directory") Path dir) {
        // compiled once: the check and the route probe both use it
        PolicyEnforcer.Compiled compiled = PolicyEnforcer.compile(dir, LocalDate.now(clock()));
        ApplyResult r = enforcer().check(dir, compiled);
        printFindings(r.findings());
        boolean ok = r.status() != ApplyResult.Status.REJECTED;
        (ok ? System.out : System.err).println((ok ? "ok: " + r.policy() + ": " : "refused: ") + firstLine(r.message()).replaceAll(":$", ""));
        if (ok) {
            if (r.drift().isClean()) {
                System.out.println("in force: the live table holds exactly this policy");
            } else {
                r.drift().differences().forEach(d -> System.err.println("drift: " + d));
                System.out.println("not in force: the live table differs from the policy (" + r.drift().differences().size()
                        + " difference(s))");
                ok = false;
            }
        }
        if (r.status() != ApplyResult.Status.REJECTED && !noRouteGuard) {
            IsolationPolicy policy = compiled.load().policyOrThrow();
            ok = printRoutes(new RouteProbe(ip(), routeSettings().probes()).check(routeSettings().interfacesIn(policy))) && ok;
        }
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

    @Command(name = "apply", description = {"Apply atomically (replaces only table inet egov, unless it holds exactly this "
            + "policy), then read it back.", "Drift (the live table was to hold this policy and differs) is named before it is corrected."})
    int apply(@Parameters(paramLabel = "DIR", description = "policy directory") Path dir) {
        PolicyEnforcer enforcer = enforcer();
        // compiled once: the apply and the route guard both use it
        PolicyEnforcer.Compiled compiled = PolicyEnforcer.compile(dir, LocalDate.now(clock()));
        ApplyResult r = enforcer.apply(dir, compiled, (policy, drift) -> {
            System.out.println("drift found: table inet egov differs from policy " + policy + ":");
            drift.differences().forEach(d -> System.out.println("  " + d));
        });
        printFindings(r.findings());
        if (r.status() == ApplyResult.Status.REJECTED) {
            System.err.println("refused: " + r.message());
            return REFUSED;
        }
        // the apply read the table back and compared it (or found it exact): no second listing
        Drift d = enforcer.inForce().map(InForce::drift).orElse(new Drift(List.of("no policy in force")));
        System.out.println(r.status().name().toLowerCase() + ": " + r.message());
        System.out.println("verified: " + d);
        boolean routesOk = true;
        if (!noRouteGuard) {
            IsolationPolicy policy = compiled.load().policyOrThrow();
            RouteIsolation.Report report = new RouteIsolation(ip(), routeSettings(), alarm -> { }, clock())
                    .run(routeSettings().interfacesIn(policy));
            report.guard().changes().forEach(c -> System.out.println("route guard: " + c));
            System.out.println("route guard: " + (report.guard().changes().isEmpty() ? "unchanged" : report.guard().changes().size() + " change(s)"));
            routesOk = printRoutes(report.findings());
        }
        return d.isClean() && routesOk ? 0 : REFUSED;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
