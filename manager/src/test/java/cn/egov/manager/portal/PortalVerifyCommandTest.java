package cn.egov.manager.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.portal.PortalManifest;
import cn.egov.api.portal.SiteFile;
import cn.egov.api.portal.SiteNode;
import cn.egov.api.time.BeijingTime;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.cli.ManagerCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code manager portal verify}, as an auditor reads it: the snapshot's times in Beijing time, as the pages show them. */
class PortalVerifyCommandTest {

    @TempDir
    Path dir;

    @Test
    void aValidSnapshotsTimesAreBeijingTime() throws Exception {
        Instant issued = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        SiteNode site = new SiteNode("www.bd.gov.cn", "1306", "", SiteNode.defaultMirrors("1306"));
        Path snapshot = dir.resolve("snapshot.json");
        Path root = dir.resolve("root.pem");
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "verify test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
            PortalManifest m = new PortalManifest(site, 3, issued, issued.plus(Duration.ofDays(30)), "'self'", List.of(site), List.of(),
                    List.of(new SiteFile("index.html", "0".repeat(64), 10, "text/html; charset=utf-8", 1_764_000_000L)));
            Files.write(snapshot, PortalSigner.issue(ca).sign(m).encode());
            PemFiles.write(root, ca.rootCertificate());
        }
        PrintStream out = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = ManagerCommand.commandLine().execute("portal", "verify", "--snapshot", snapshot.toString(), "--trust", root.toString(),
                    "--unit", "130602-001", "--site", "www.bd.gov.cn");
        } finally {
            System.setOut(out);
        }
        String text = o.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, text);
        assertTrue(text.contains("issued " + BeijingTime.of(issued) + ", expires " + BeijingTime.labelled(issued.plus(Duration.ofDays(30)))),
                text);
        assertFalse(text.contains(issued.toString()), "no UTC instant: " + text);
    }
}
