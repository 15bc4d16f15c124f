package cn.egov.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A box update through the box package's own systemd units, with systemd as the init of a clean
 * root ({@code systemd-update-test.sh}, root): the file the runtime puts down after a verified
 * download starts {@code egov-box-install.path}, whose service installs it, has systemd restart the
 * box and sees it come back green at the new version; an update whose box does not come back is
 * rolled back and systemd runs the previous version again; the path unit waits again after each.
 */
@Tag("netns")
class SystemdUpdateIT {

    @Test
    void anUpdateDroppedForThePathUnitIsInstalledAndABrokenOneRolledBackUnderSystemd(@TempDir Path work) throws Exception {
        Path script = Path.of("systemd-update-test.sh").toAbsolutePath();
        CleanRootInstallIT.Result r = CleanRootInstallIT.run(work, script.toString(), work.toString(),
                CleanRootInstallIT.deb("egov-box").toAbsolutePath().toString(), CleanRootInstallIT.deb("egov-manager").toAbsolutePath().toString());
        Files.writeString(CleanRootInstallIT.packages().resolve("systemd-update-test.txt"), r.out());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("systemd update: every check passed"), r.out());
        for (String check : List.of("systemd runs egov-box.service", "the path unit started the installer",
                "systemd restarted the box (a new main process)", "an update whose box does not come back is rolled back",
                "after the rollback systemd runs the box", "the path unit waits again after the rollback")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("ok: " + check)), check + "\n" + r.out());
        }
    }
}
