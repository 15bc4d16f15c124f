package cn.egov.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages as a site gets them: the checksums verify against the packaging key; the box
 * installs into a clean root, starts as its unit runs it and says healthy, an upgrade keeps its
 * configuration and state, {@code dpkg -r} and {@code dpkg -P} remove it cleanly; the manager
 * installs with its own user and purges with it ({@code clean-root-test.sh}, root).
 */
@Tag("netns")
class CleanRootInstallIT {

    static Path packages() {
        return Path.of(System.getProperty("packages.dir", "target"));
    }

    static Path deb(String name) throws IOException {
        try (Stream<Path> files = Files.list(packages())) {
            return files.filter(f -> f.getFileName().toString().startsWith(name + "_") && f.toString().endsWith("_amd64.deb"))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + name + "_*_amd64.deb in " + packages()));
        }
    }

    static Result run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.MINUTES), String.join(" ", command));
        return new Result(p.exitValue(), out);
    }

    record Result(int exit, String out) {
    }

    @Test
    void theChecksumsAreSignedAndMatchBothPackages() throws Exception {
        Path dir = packages();
        Result sig = run(dir, "openssl", "dgst", "-sha256", "-verify", "packaging-key.pub.pem", "-signature", "SHA256SUMS.sig", "SHA256SUMS");
        assertEquals(0, sig.exit(), sig.out());
        Result sums = run(dir, "sha256sum", "-c", "SHA256SUMS");
        assertEquals(0, sums.exit(), sums.out());
        assertTrue(sums.out().contains(deb("egov-box").getFileName() + ": OK") && sums.out().contains(deb("egov-manager").getFileName() + ": OK"),
                sums.out());
        Path tampered = Files.createTempDirectory("tampered");
        Files.copy(dir.resolve("SHA256SUMS.sig"), tampered.resolve("SHA256SUMS.sig"));
        Files.copy(dir.resolve("packaging-key.pub.pem"), tampered.resolve("packaging-key.pub.pem"));
        // the first hex digit changed to another one (a fixed '0' would change nothing for 1 sum in 16)
        String signed = Files.readString(dir.resolve("SHA256SUMS"));
        Files.writeString(tampered.resolve("SHA256SUMS"), (signed.charAt(0) == '0' ? "1" : "0") + signed.substring(1));
        assertEquals(1, run(tampered, "openssl", "dgst", "-sha256", "-verify", "packaging-key.pub.pem", "-signature", "SHA256SUMS.sig",
                "SHA256SUMS").exit(), "a changed checksum list does not verify");
    }

    @Test
    void installUpgradeRemoveAndPurgeInACleanRoot(@TempDir Path work) throws Exception {
        Path script = Path.of("clean-root-test.sh").toAbsolutePath();
        Result r = run(work, script.toString(), work.toString(), deb("egov-box").toAbsolutePath().toString(),
                deb("egov-manager").toAbsolutePath().toString());
        Files.writeString(packages().resolve("clean-root-test.txt"), r.out());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("clean root: every check passed"), r.out());
        for (String check : List.of("the box starts as its unit runs it", "the upgrade kept the edited configuration",
                "the upgrade kept the state", "dpkg -r keeps configuration and state", "dpkg -P removes configuration and state",
                "the box process has CAP_NET_ADMIN and CAP_NET_RAW only", "dpkg -P egov-manager removes it, its state and its user")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("ok: " + check)), check + "\n" + r.out());
        }
    }
}
