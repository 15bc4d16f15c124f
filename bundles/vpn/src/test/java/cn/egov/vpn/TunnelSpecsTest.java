package cn.egov.vpn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.rules.unit.UnitCode;
import cn.egov.vpn.swanctl.Revocation;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration → TunnelSpec: every mistake is named by its Metatype field. */
class TunnelSpecsTest {

    static final UnitCode UNIT = UnitCode.parse("130602-001");

    /** A configuration as ConfigAdmin would hand it over, with the defaults of TunnelConfig. */
    static class Config implements TunnelConfig {
        String hubAddress = "192.0.2.2";
        String planPath = "";
        String[] localSubnets = {"10.6.8.0/25"};
        String[] backbone = {"10.200.0.0/16"};
        String revocation = "relaxed";
        int dpd = 30;
        int retryInitial = 2;
        int retryMax = 60;

        @Override public Class<? extends Annotation> annotationType() { return TunnelConfig.class; }
        @Override public String hub_address() { return hubAddress; }
        @Override public String hub_id() { return "C=CN, O=Hebei, OU=backbone, CN=hub"; }
        @Override public String cert_path() { return "/var/lib/egov/pki/box.pem"; }
        @Override public String key_path() { return "/var/lib/egov/pki/box.key"; }
        @Override public String[] ca_cert_paths() { return new String[]{"/var/lib/egov/pki/ca-root.pem"}; }
        @Override public String hub_revocation() { return revocation; }
        @Override public String plan_path() { return planPath; }
        @Override public String plan_zone() { return "external"; }
        @Override public String[] local_subnets() { return localSubnets; }
        @Override public String[] backbone_prefixes() { return backbone; }
        @Override public String swanctl_dir() { return "/etc/swanctl"; }
        @Override public String vici_socket() { return "/var/run/charon.vici"; }
        @Override public String strongswan_conf_path() { return ""; }
        @Override public boolean libipsec() { return false; }
        @Override public int charon_timeout_s() { return 30; }
        @Override public int poll_interval_s() { return 5; }
        @Override public int report_interval_s() { return 60; }
        @Override public int retry_initial_s() { return retryInitial; }
        @Override public int retry_max_s() { return retryMax; }
        @Override public int dpd_delay_s() { return dpd; }
        @Override public int ike_rekey_s() { return 14400; }
        @Override public int child_rekey_s() { return 3600; }
        @Override public String[] ike_proposals() { return TunnelSpec.DEFAULT_IKE_PROPOSALS.toArray(String[]::new); }
        @Override public String[] esp_proposals() { return TunnelSpec.DEFAULT_ESP_PROPOSALS.toArray(String[]::new); }
    }

    @Test
    void readsAValidConfiguration() throws Exception {
        TunnelSpec spec = TunnelSpecs.fromConfig(new Config(), UNIT);
        assertEquals("backbone", spec.name());
        assertEquals(Revocation.RELAXED, spec.hubRevocation());
        assertEquals("10.6.8.0/25", spec.localTs().get(0).toString());
        assertEquals(Path.of("/var/lib/egov/pki/box.pem"), spec.certFile());
    }

    @Test
    void localSubnetsComeFromThePlanWhenOneIsConfigured() throws Exception {
        Config c = new Config();
        c.planPath = Path.of("../../rules/plan").toAbsolutePath().normalize().toString();
        c.localSubnets = new String[0];
        assertEquals(List.of("198.18.80.16/28"),
                TunnelSpecs.fromConfig(c, UNIT).localTs().stream().map(Object::toString).toList());
        c.localSubnets = new String[]{"10.6.8.0/25"};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TunnelSpecs.fromConfig(c, UNIT))
                .getMessage().contains("both set"));
    }

    @Test
    void errorsNameTheField() {
        Config c = new Config();
        c.localSubnets = new String[]{"10.6.8.0/25", "10.6.8.1/25"};
        assertTrue(message(c).startsWith("local_subnets[1]: "), message(c));

        c = new Config();
        c.backbone = new String[0];
        assertTrue(message(c).contains("backbone_prefixes"), message(c));

        c = new Config();
        c.hubAddress = " ";
        assertEquals("tunnel setting hub_address is missing", message(c));

        c = new Config();
        c.revocation = "sometimes";
        assertTrue(message(c).contains("hub_revocation"), message(c));

        c = new Config();
        c.dpd = 0;
        assertEquals("tunnel setting dpd_delay_s must be positive, got 0", message(c));
    }

    @Test
    void durationsAreNamedByTheirKeysNotAsIsoDurations() throws Exception {
        Config c = new Config();
        c.retryInitial = 10;
        c.retryMax = 5;
        assertEquals("tunnel setting retry_max_s (5) must not be below retry_initial_s (10)",
                assertThrows(IllegalArgumentException.class, () -> TunnelSpecs.backoff(c)).getMessage());
        c.retryInitial = 0;
        assertEquals("tunnel setting retry_initial_s must be positive, got 0",
                assertThrows(IllegalArgumentException.class, () -> TunnelSpecs.backoff(c)).getMessage());

        // the record itself, built in code: the field's key and the value in seconds, not "PT0S"
        TunnelSpec ok = TunnelSpecs.fromConfig(new Config(), UNIT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TunnelSpec(ok.name(), ok.certFile(),
                ok.keyFile(), ok.caCertFiles(), ok.hubRevocation(), ok.hubAddress(), ok.hubId(), ok.localTs(), ok.remoteTs(),
                ok.ikeProposals(), ok.espProposals(), java.time.Duration.ZERO, ok.ikeRekey(), ok.childRekey()));
        assertEquals("tunnel setting dpd_delay_s must be positive, got 0 s", e.getMessage());
    }

    private static String message(Config c) {
        return assertThrows(IllegalArgumentException.class, () -> TunnelSpecs.fromConfig(c, UNIT)).getMessage();
    }

    @Test
    void certificateOfAnotherUnitIsRefused(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("box.pem");
        Openssl.selfSigned(dir, "/C=CN/O=Hebei/OU=130602/CN=130602-002", cert);
        TunnelException e = assertThrows(TunnelException.class, () -> BoxCertificate.requireUnit(cert, UNIT));
        assertTrue(e.getMessage().contains("130602-002") && e.getMessage().contains("130602-001"), e.getMessage());

        Path own = dir.resolve("own.pem");
        Openssl.selfSigned(dir, "/C=CN/O=Hebei/OU=130602/CN=130602-001", own);
        assertEquals("CN=130602-001,OU=130602,O=Hebei,C=CN",
                BoxCertificate.requireUnit(own, UNIT).getSubjectX500Principal().getName());

        Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        assertTrue(assertThrows(TunnelException.class, () -> BoxCertificate.requireUnit(dir.resolve("garbage.pem"), UNIT))
                .getMessage().contains("garbage.pem"));
    }

    /** openssl (a CI package) makes a throw-away certificate; this module has no Bouncy Castle. */
    static final class Openssl {
        static void selfSigned(Path dir, String subject, Path out) throws Exception {
            Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", dir.resolve("k-" + out.getFileName()).toString(), "-subj", subject, "-days", "1",
                    "-out", out.toString()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), output);
        }
    }
}
