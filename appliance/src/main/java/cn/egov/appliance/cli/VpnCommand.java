package cn.egov.appliance.cli;

import cn.egov.vpn.ChildSa;
import cn.egov.vpn.IkeSa;
import cn.egov.vpn.SwanctlCharon;
import cn.egov.vpn.TunnelException;
import cn.egov.vpn.TunnelSpecs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code appliance vpn status}: the tunnel into the backbone as charon sees it (over VICI).
 * Exit 0 tunnel up, 1 down, 2 charon unreachable.
 */
@Command(name = "vpn", mixinStandardHelpOptions = true,
        description = "The strongSwan tunnel into the provincial backbone.")
public final class VpnCommand {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the tunnel's security associations, traffic counters and state.",
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:the tunnel is up", "1:the tunnel is down", "2:charon cannot be reached (one line naming the socket) or a usage error"})
    int status(@Option(names = "--vici", defaultValue = "/var/run/charon.vici",
                       description = "charon's VICI socket (default: ${DEFAULT-VALUE})") Path vici,
               @Option(names = "--swanctl-dir", defaultValue = "/etc/swanctl",
                       description = "swanctl folder (default: ${DEFAULT-VALUE})") Path swanctlDir) {
        List<IkeSa> sas;
        try {
            sas = new SwanctlCharon(swanctlDir, vici, Duration.ofSeconds(5)).listSas();
        } catch (TunnelException e) {
            System.err.println("appliance vpn status: " + e.getMessage());
            return 2;
        }
        boolean up = false;
        for (IkeSa ike : sas) {
            System.out.printf("%s: %s with %s [%s], established %d s ago%n", ike.connection(), ike.state(),
                    ike.remoteHost(), ike.remoteId(), ike.establishedSeconds());
            for (ChildSa c : ike.children()) {
                System.out.printf("  %s #%d %s %s === %s  in %d B / %d pkts, out %d B / %d pkts%n", c.name(), c.uniqueId(),
                        c.state(), c.localTs(), c.remoteTs(), c.bytesIn(), c.packetsIn(), c.bytesOut(), c.packetsOut());
                up |= ike.established() && c.installed() && TunnelSpecs.CONNECTION.equals(c.name());
            }
        }
        System.out.println("tunnel '" + TunnelSpecs.CONNECTION + "': " + (up ? "UP" : "DOWN"));
        return up ? 0 : 1;
    }
}
