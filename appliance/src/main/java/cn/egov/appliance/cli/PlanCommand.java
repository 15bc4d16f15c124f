package cn.egov.appliance.cli;

import cn.egov.addressplan.ConformanceReport;
import cn.egov.addressplan.IpCommandReader;
import cn.egov.addressplan.SiteCheck;
import cn.egov.addressplan.SiteFinding;
import cn.egov.addressplan.SiteReader;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code appliance plan check}: is this site built to the address and domain plan? Reads the live
 * addresses, routes, neighbours, DHCP leases and host names and prints each item outside the
 * unit's allocation with its remediation. Exit codes: 0 conforms, 1 findings, 2 bad input.
 */
@Command(name = "plan", mixinStandardHelpOptions = true, description = "Check this site against the address and domain plan.")
public final class PlanCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check addresses, on-link subnets, neighbours, DHCP leases and host names against the unit's allocation.",
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:the site conforms", "1:findings (listed)", "2:bad input (plan, unit, lease or hosts file) or a usage error"})
    int check(@Option(names = "--plan", paramLabel = "PATH", defaultValue = "/etc/egov/plan", description = "Plan file or directory (default ${DEFAULT-VALUE})") Path plan,
              @Option(names = "--unit", required = true, paramLabel = "CCCCCC-DDD", description = "The unit this box serves") String unit,
              @Option(names = "--netns", paramLabel = "NS", description = "Read this network namespace (ip -n) instead of the box's own") String netns,
              @Option(names = "--lease", paramLabel = "FILE", description = "DHCP lease file (dnsmasq or ISC), repeatable",
                      defaultValue = "/var/lib/misc/dnsmasq.leases,/var/lib/dhcp/dhcpd.leases", split = ",") List<Path> leases,
              @Option(names = "--hosts", paramLabel = "FILE", defaultValue = "/etc/hosts", description = "Hosts file (default ${DEFAULT-VALUE})") Path hosts,
              @Option(names = "--ignore", paramLabel = "IFACE", split = ",", defaultValue = "lo", description = "Interfaces not checked, e.g. the uplink") List<String> ignore,
              @Option(names = "--reverse", description = "Also check reverse DNS names of neighbours") boolean reverse,
              @Option(names = "--json", description = "Print JSON") boolean json) {
        UnitCode code;
        try {
            code = UnitCode.parse(unit);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        ConformanceReport r;
        try {
            SiteReader reader = new SiteReader(new IpCommandReader("ip", netns), leases, hosts, reverse);
            r = new SiteCheck(plan, code, reader, Set.copyOf(ignore)).run(System.currentTimeMillis());
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("cannot check: " + e.getMessage());
            return 2;
        }
        if (json) {
            System.out.println(toJson(r));
        } else {
            r.problems().forEach(p -> System.err.println("skipped: " + p));
            for (SiteFinding f : r.findings()) {
                System.out.println(f.kind() + "  " + f.subject());
                System.out.println("    expected: " + f.expected());
                System.out.println("    fix:      " + f.remediation());
            }
            System.out.printf("unit %s: %d item(s) checked, %d finding(s)%s%n", r.unit(), r.itemsChecked(), r.findings().size(),
                    r.conforms() ? " — the site is built to plan" : "");
        }
        return r.conforms() ? 0 : 1;
    }

    private static String toJson(ConformanceReport r) {
        StringBuilder b = new StringBuilder("{\"unit\":").append(q(r.unit())).append(",\"time\":").append(r.time())
                .append(",\"conforms\":").append(r.conforms()).append(",\"itemsChecked\":").append(r.itemsChecked())
                .append(",\"findings\":[");
        for (int i = 0; i < r.findings().size(); i++) {
            SiteFinding f = r.findings().get(i);
            b.append(i == 0 ? "" : ",").append("{\"kind\":").append(q(f.kind().name())).append(",\"subject\":").append(q(f.subject()))
                    .append(",\"observed\":").append(q(f.observed())).append(",\"expected\":").append(q(f.expected()))
                    .append(",\"owner\":").append(q(f.owner())).append(",\"suggestion\":").append(q(f.suggestion()))
                    .append(",\"remediation\":").append(q(f.remediation())).append('}');
        }
        b.append("],\"problems\":[");
        for (int i = 0; i < r.problems().size(); i++) {
            b.append(i == 0 ? "" : ",").append(q(r.problems().get(i)));
        }
        return b.append("]}").toString();
    }

    private static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : (s == null ? "" : s).toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
