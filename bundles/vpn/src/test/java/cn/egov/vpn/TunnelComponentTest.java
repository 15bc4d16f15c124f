package cn.egov.vpn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.identity.IdentityProvider;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DS component as SCR would build it (constructor injection), against real files and a VICI
 * socket nobody listens on: it writes the configuration, refuses another unit's certificate, and
 * reports the tunnel down with the reason instead of failing.
 */
class TunnelComponentTest {

    @TempDir
    Path dir;

    private TunnelSpecsTest.Config config(Path cert) throws Exception {
        Path swanctl = dir.resolve("swanctl");
        Files.writeString(dir.resolve("box.key"), "key");
        TunnelSpecsTest.Config c = new TunnelSpecsTest.Config() {
            @Override public String cert_path() { return cert.toString(); }
            @Override public String key_path() { return dir.resolve("box.key").toString(); }
            @Override public String swanctl_dir() { return swanctl.toString(); }
            @Override public String vici_socket() { return dir.resolve("nobody.vici").toString(); }
            @Override public String strongswan_conf_path() { return dir.resolve("strongswan.conf").toString(); }
            @Override public boolean libipsec() { return true; }
            @Override public int poll_interval_s() { return 1; }
        };
        return c;
    }

    private static IdentityProvider unit(String code) {
        return () -> new BoxIdentity(UnitCode.parse(code), "SN-1", null);
    }

    @Test
    void writesConfigurationAndReportsDownWhenCharonIsAbsent() throws Exception {
        Path cert = dir.resolve("box.pem");
        TunnelSpecsTest.Openssl.selfSigned(dir, "/C=CN/O=Hebei/OU=130602/CN=130602-001", cert);
        TunnelWatcherTest.Recorder telemetry = new TunnelWatcherTest.Recorder();
        TunnelComponent component = new TunnelComponent(telemetry, unit("130602-001"), config(cert));
        try {
            String swanctl = Files.readString(dir.resolve("swanctl/swanctl.conf"));
            assertTrue(swanctl.contains("certs = \"" + cert + "\""), swanctl);
            assertTrue(swanctl.contains("remote_addrs = 192.0.2.2"));
            assertEquals(dir.resolve("box.key"), Files.readSymbolicLink(dir.resolve("swanctl/private/egov-box.key")));
            assertTrue(Files.readString(dir.resolve("strongswan.conf")).contains("kernel-libipsec kernel-netlink"));

            long deadline = System.currentTimeMillis() + 10_000;
            while (component.status().lastError() == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            TunnelStatus s = component.status();
            assertFalse(s.up());
            assertTrue(s.lastError() != null && s.lastError().contains("nobody.vici"), String.valueOf(s.lastError()));
            synchronized (telemetry) {
                assertTrue(telemetry.alarms().stream().anyMatch(a -> a.kind().equals(BoxMetrics.VPN_DOWN_ALARM)
                        && a.severity() == Alarm.Severity.MAJOR), telemetry.out.toString());
            }
        } finally {
            component.deactivate();
        }
    }

    @Test
    void refusesToActAsAnotherUnit() throws Exception {
        Path cert = dir.resolve("other.pem");
        TunnelSpecsTest.Openssl.selfSigned(dir, "/C=CN/O=Hebei/OU=130602/CN=130602-002", cert);
        TunnelException e = assertThrows(TunnelException.class,
                () -> new TunnelComponent(new TunnelWatcherTest.Recorder(), unit("130602-001"), config(cert)));
        assertTrue(e.getMessage().contains("not to this box's unit 130602-001"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("swanctl/swanctl.conf")), "nothing written for a refused certificate");
    }
}
