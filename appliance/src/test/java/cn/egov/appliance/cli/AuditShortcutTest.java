package cn.egov.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link AuditShortcut} reads a command line as picocli does, or leaves it to picocli: the audit's
 * output and exit codes do not depend on which of the two read it.
 */
class AuditShortcutTest {

    /** Command lines the shortcut takes: each must give the options picocli gives. */
    private static final List<String[]> TAKEN = List.of(
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap"},
            new String[] {"audit", "--pcap", "c.pcap", "--policy", "rules/policy/baseline", "--interface", "eth1"},
            new String[] {"audit", "--policy=p", "--pcap=c.pcap", "--interface=eth1", "--unit=130602-001"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--unit", "130602-001", "--plan", "x.plan",
                    "--date", "2024-02-29", "--json", "--threads", "1"},
            new String[] {"audit", "--json", "--policy", "p", "--pcap", "c.pcap", "--threads=2", "--date=2026-12-31"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--threads", "3"},
            new String[] {"audit", "--policy", "p", "--pcap", "a=b.pcap"});

    /** Command lines the shortcut leaves to picocli: help, errors, and forms picocli reads its own way. */
    private static final List<String[]> LEFT = List.of(
            new String[] {"audit", "--help"},
            new String[] {"audit", "-h", "--policy", "p", "--pcap", "c.pcap"},
            new String[] {"--debug", "audit", "--policy", "p", "--pcap", "c.pcap"},
            new String[] {"audit", "--debug", "--policy", "p", "--pcap", "c.pcap"},
            new String[] {"audit", "--policy", "p"},
            new String[] {"audit", "--policy", "p", "--pcap"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--pcap", "d.pcap"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--json", "--json"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--json=false"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--bogus"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "extra"},
            new String[] {"audit", "--policy", "p", "--pcap", "--json"},
            new String[] {"audit", "--policy", "p", "--pcap", ""},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--unit", "-1"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--date", "2025-02-30"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--date", "2025-2-3"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--date", "+2025-02-03"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--threads", "03"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--threads", "+1"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--threads", "0x1"},
            new String[] {"audit", "--policy", "p", "--pcap", "c.pcap", "--threads", "12345678901"},
            new String[] {"policy", "--policy", "p", "--pcap", "c.pcap"},
            new String[] {"audit"},
            new String[] {});

    @Test
    void takesWhatPicocliReadsTheSameWay() {
        for (String[] args : TAKEN) {
            AuditCommand fast = AuditShortcut.parse(args);
            assertNotNull(fast, Arrays.toString(args));
            AuditCommand slow = new AuditCommand();
            new CommandLine(slow).parseArgs(Arrays.copyOfRange(args, 1, args.length));
            assertEquals(options(slow), options(fast), Arrays.toString(args));
        }
    }

    @Test
    void leavesEverythingElseToPicocli() {
        for (String[] args : LEFT) {
            assertNull(AuditShortcut.parse(args), Arrays.toString(args));
        }
    }

    private static List<Object> options(AuditCommand c) {
        return Arrays.asList(c.policy, c.pcap, c.unit, c.plan, c.interfaceName, c.date, c.json, c.threads);
    }
}
