package cn.egov.appliance.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@code appliance setup} that need no box: file changes and their undo, the box's report, the profile. */
class SetupTest {

    @Test
    void aStepPutsBackEveryFileItWroteAndAFileThatHoldsTheTextIsNotTouched(@TempDir Path dir) throws Exception {
        Path kept = dir.resolve("cn.egov.telemetry.cfg");
        Path added = dir.resolve("cn.egov.vpn.tunnel.cfg");
        Files.writeString(kept, "broker.url = tcp://127.0.0.1:1883\n");
        ConfigChanges changes = new ConfigChanges();
        assertFalse(changes.write(kept, "broker.url = tcp://127.0.0.1:1883\n"), "same text: not written");
        assertFalse(changes.changed());
        assertTrue(changes.write(kept, "broker.url = ssl://10.200.0.10:8883\n"));
        assertTrue(changes.write(kept, "broker.url = ssl://other:8883\n"));
        assertTrue(changes.write(added, "hub.address = 192.0.2.2\n"));
        changes.undo();
        assertEquals("broker.url = tcp://127.0.0.1:1883\n", Files.readString(kept), "back to what it was before the step");
        assertFalse(Files.exists(added), "a file the step added is removed");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(kept), files.toList(), "no temporary file left");
        }
    }

    @Test
    void optionValuesAreSetInPlaceKeepingCommentsAndOtherLines() {
        String text = "# enforcement\npolicy.directory = ${home}/rules/policy/baseline\nlock.file = ${data}/nft.lock\n";
        assertEquals("# enforcement\npolicy.directory = \nlock.file = ${data}/nft.lock\n",
                Setup.ConfigText.with(text, Map.of("policy.directory", ""), null));
        assertEquals("# the box's identity\nunit.code = 130602-001\n", Setup.ConfigText.with("", Map.of("unit.code", "130602-001"), "the box's identity"));
        assertEquals("unit.code = 130602-002\nserial.number = X\n",
                Setup.ConfigText.with("unit.code = 130602-001\nserial.number = X\n", Map.of("unit.code", "130602-002"), null));
    }

    @Test
    void theBoxReportIsReadFromTheStatusFile() {
        BoxReport r = BoxReport.parse("""
                framework org.apache.felix.framework 7.0.5
                healthy false
                component cn.egov.vpn.tunnel ACTIVE
                alarm MAJOR vpn.down 2026-12-04T10:00:00Z: Tunnel to the backbone hub 192.0.2.2 is down
                selftest FAIL 隧道 Tunnel to the backbone: The tunnel to the backbone hub 192.0.2.2 is down: the hub does not answer.
                selftest OK 遥测 MQTT link and outbox: Connected to ssl://10.200.0.10:8883; 0 of 10000 messages waiting.
                pid 4711
                """);
        assertFalse(r.healthy());
        assertEquals(List.of("MAJOR vpn.down 2026-12-04T10:00:00Z: Tunnel to the backbone hub 192.0.2.2 is down"), r.alarms());
        BoxReport.Check tunnel = r.check(Setup.CHECK_TUNNEL).orElseThrow();
        assertEquals("FAIL", tunnel.outcome());
        assertEquals("隧道 Tunnel to the backbone", tunnel.name());
        assertEquals("The tunnel to the backbone hub 192.0.2.2 is down: the hub does not answer.", tunnel.message());
        assertTrue(r.check(Setup.CHECK_MQTT).orElseThrow().ok());
        assertTrue(r.check(Setup.CHECK_PLAN).isEmpty(), "a check the box does not run yet");
    }

    @Test
    void theProfileGivesItsOwnFileBeforeTheInstalledOneWithVariablesExpanded(@TempDir Path dir) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.createDirectories(config.resolve("setup"));
        Files.writeString(config.resolve("cn.egov.pki.cfg"), "est.url = https://ca.example:8443\nkey.store.path = ${data}/pki/box.p12\n");
        Files.writeString(config.resolve("setup/cn.egov.vpn.tunnel.cfg"), "hub.address = 192.0.2.2\ncert.path = ${data}/pki/box.pem\n");
        SetupProfile p = new SetupProfile(config, dir.resolve("data"));
        assertEquals(dir.resolve("data/pki/box.p12").toString(), p.values("cn.egov.pki").get("key.store.path"));
        assertEquals(dir.resolve("data/pki/box.pem").toString(), p.values("cn.egov.vpn.tunnel").get("cert.path"));
        assertEquals(Map.of(), p.values("cn.egov.addressplan"));
        SetupException missing = assertThrows(SetupException.class, () -> p.requireStaged("cn.egov.addressplan"));
        assertTrue(missing.getMessage().startsWith("the setup profile has no cn.egov.addressplan.cfg"), missing.getMessage());
        assertEquals(SetupStep.TUNNEL, SetupStep.parse("tunnel"));
        assertThrows(IllegalArgumentException.class, () -> SetupStep.parse("tunel"));
    }
}
