package cn.egov.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.lab.NetLab;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code appliance policy apply|check} on a box namespace: the nftables table and the route
 * guard are applied, applying twice changes nothing, and a split default route is reported with
 * exit code 1.
 */
class PolicyCommandNetnsTest {

    static final String BASELINE = Path.of("../rules/policy/baseline").toString();
    static NetLab lab;
    static String box;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void network() {
        lab = NetLab.create("pcmd");
        box = lab.host("box");
        String lan = lab.host("lan");
        String inet = lab.host("inet");
        lab.link(box, "eth1", "10.1.0.1/24", lan, "eth0", "10.1.0.2/24");
        lab.link(box, "eth3", "198.51.100.1/25", inet, "eth0", "198.51.100.2/25");
        lab.exec(box, "ip", "route", "add", "default", "via", "198.51.100.2");
        lab.forwarding(box);
    }

    @AfterAll
    static void cleanUp() {
        if (lab != null) {
            lab.close();
        }
    }

    static PolicyCli.Run policy(String... args) {
        return PolicyCli.run(box, tmp.resolve("nft.lock"), List.of("--route-probe=198.51.100.130"), args);
    }

    @Test
    void applyPutsTableAndRouteGuardInForceOnceAndCheckReportsSplitDefaultRoutes() {
        PolicyCli.Run before = policy("check", BASELINE);
        assertEquals(1, before.exit(), "without the guard internal has a route to the Internet: " + before);
        assertTrue(before.err().contains("route exists from internal zone (eth1) to the Internet via eth3"), before.err());

        PolicyCli.Run first = policy("apply", BASELINE);
        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.out().contains("route guard: added IPv4 rule add priority 30000 iif eth1"), first.out());
        assertTrue(first.out().contains("route: no route between the isolated zones and the Internet"), first.out());
        PolicyCli.Run second = policy("apply", BASELINE);
        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.out().contains("unchanged: already in force") && second.out().contains("route guard: unchanged"), second.out());
        assertEquals(1, lab.exec(box, "ip", "rule", "list").split("iif eth1 unreachable", -1).length - 1);

        lab.exec(box, "ip", "route", "add", "0.0.0.0/1", "via", "198.51.100.2");
        lab.exec(box, "ip", "route", "add", "128.0.0.0/1", "via", "198.51.100.2");
        PolicyCli.Run check = policy("check", BASELINE);
        assertEquals(1, check.exit(), check.toString());
        assertTrue(check.err().contains("isolation.route.split-default: route 0.0.0.0/1 via eth3 gateway 198.51.100.2"), check.err());
        assertTrue(check.err().contains("route 128.0.0.0/1"), check.err());
        assertTrue(check.out().contains("route: 2 finding(s)"), check.out());
    }
}
