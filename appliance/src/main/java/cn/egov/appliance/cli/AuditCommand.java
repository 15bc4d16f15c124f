package cn.egov.appliance.cli;

import cn.egov.isolation.capture.CaptureFormatException;
import cn.egov.isolation.monitor.AuditReport;
import cn.egov.isolation.monitor.AuditReportWriter;
import cn.egov.isolation.monitor.MonitorPolicyLoader;
import cn.egov.isolation.monitor.OfflineAudit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code appliance audit}: runs the traffic monitor's classifier over a capture file. Exit status
 * 0 when clean, 1 when it found violations, 2 on bad input (policy, plan, unit or capture).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        // one element per paragraph: picocli wraps each element itself and breaks the line after it
        description = {"Check a capture (pcap or pcapng, as tcpdump and Wireshark write them) against the isolation policy.",
                "It finds internal hosts reaching outside the planned government prefixes (违规外联, DNS included), backbone"
                + " traffic outside the tunnel, cross-zone traffic the policy denies, one MAC in two zones, traffic on"
                + " interfaces of no zone, and (with --unit) hosts on the internal and external LANs whose addresses lie"
                + " outside the unit's allocations in the plan (私接设备: IP source, ARP, DHCP, neighbour discovery)."},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:no violations", "1:violations found", "2:bad input (policy, plan, unit or capture file)"})
public final class AuditCommand implements Callable<Integer> {

    static final int CLEAN = 0;
    static final int VIOLATIONS = 1;
    static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--policy", required = true, paramLabel = "DIR", description = "Policy directory (*.policy files).")
    Path policy;

    @Option(names = "--pcap", required = true, paramLabel = "FILE", description = "Capture file: pcap or pcapng.")
    Path pcap;

    @Option(names = "--unit", paramLabel = "CODE",
            description = "Unit code (CCCCCC-DDD): its address-plan allocations place addresses in the internal and external zones,"
                    + " and hosts on those LANs must use them (without it the unplanned-host check is off, and the report says so).")
    String unit;

    @Option(names = "--plan", paramLabel = "PATH",
            description = "Address plan file or directory (default: *.plan in the policy directory, or a plan/ directory next to it or to its parent).")
    Path plan;

    @Option(names = "--interface", paramLabel = "NAME",
            description = "The interface a pcap file was captured on (pcap does not record it; pcapng does).")
    String interfaceName;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD",
            description = "Apply the flows and exceptions in force on this day (default: today, UTC, the day the enforcement counts by).")
    LocalDate date;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--threads", paramLabel = "N",
            description = "1: read and classify on one thread; 2: classify on a second thread while reading (same report). "
                    + "Default: 2 on a machine with two or more cores, else 1.")
    Integer threads;

    /**
     * Today as the box's enforcement counts days (UTC: {@code PolicyEnforcementComponent}, {@code policy
     * apply}), so that the audit judges by the exceptions in force. Also cheaper: the system's time
     * zone would load the zone rules provider, whose service lookup opens every jar of the class
     * path before the first packet (bench/RESULTS.md, "start-up").
     */
    private static LocalDate today() {
        return LocalDate.now(Clock.systemUTC());
    }

    @Override
    public Integer call() {
        return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** The audit, reporting on {@code out} and {@code err}: picocli's, or {@link AuditShortcut}'s. */
    int run(PrintWriter out, PrintWriter err) {
        MonitorPolicyLoader.Loaded loaded;
        try {
            loaded = MonitorPolicyLoader.load(policy, plan, unit, date != null ? date : today());
        } catch (MonitorPolicyLoader.PolicyInputException e) {
            err.println("appliance audit: " + e.getMessage());
            return BAD_INPUT;
        }
        if (!Files.isRegularFile(pcap)) {
            err.println("appliance audit: capture file " + pcap + " does not exist or is not a file");
            return BAD_INPUT;
        }
        if (threads != null && (threads < 1 || threads > 2)) {
            err.println("appliance audit: --threads must be 1 or 2, not " + threads);
            return BAD_INPUT;
        }
        AuditReport report;
        try {
            report = new OfflineAudit(loaded.policy(), loaded.identity(), unit, OfflineAudit.DEFAULT_FLOW_TABLE,
                    threads != null ? threads : OfflineAudit.DEFAULT_THREADS).run(pcap, interfaceName);
        } catch (CaptureFormatException e) {
            err.println("appliance audit: " + e.getMessage());
            return BAD_INPUT;
        } catch (IOException e) {
            err.println("appliance audit: cannot read " + pcap + ": " + e.getMessage());
            return BAD_INPUT;
        }
        if (json) {
            AuditReportWriter.json(report, out);
            if (!report.unplannedHostCheckOn()) {
                err.println("appliance audit: unplanned-host check " + report.unplannedHostCheck());
            }
        } else {
            AuditReportWriter.table(report, out);
        }
        if (report.damage() != null || report.truncated() > 0 || report.malformed() > 0) {
            // concatenated, not printf: the formatter's locale data is ~20 ms in a fresh JVM
            err.println("appliance audit: " + report.truncated() + " truncated and " + report.malformed()
                    + " malformed frames skipped" + (report.damage() == null ? "" : "; " + report.damage()));
        }
        return report.clean() ? CLEAN : VIOLATIONS;
    }
}
