package cn.egov.appliance.update;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The box's package through Debian's tools. {@link #saveInstalled} rebuilds the installed package
 * from what dpkg recorded (its files as they are, with their times: the class-data-sharing archive
 * stays valid; its control fields, maintainer scripts and conffile list), as dpkg-repack does.
 */
public final class Dpkg implements Packages {

    private static final String INFO = "/var/lib/dpkg/info/";
    private static final List<String> SCRIPTS = List.of("preinst", "postinst", "prerm", "postrm");

    private final String pkg;
    private final List<String> dpkg;

    /** @param dpkg the dpkg command, e.g. {@code [dpkg]} or {@code [dpkg, --force-depends]} */
    public Dpkg(String pkg, List<String> dpkg) {
        this.pkg = pkg;
        this.dpkg = List.copyOf(dpkg);
    }

    @Override
    public String installedVersion() throws IOException {
        return run(List.of("dpkg-query", "-W", "-f=${Version}", pkg)).strip();
    }

    @Override
    public void install(Path deb) throws IOException {
        List<String> cmd = new ArrayList<>(dpkg);
        // keep the technician's configuration as it is (the conffiles' local edits)
        cmd.addAll(List.of("--force-confold", "-i", deb.toString()));
        run(cmd);
    }

    @Override
    public void saveInstalled(Path out) throws IOException {
        Path tree = Files.createTempDirectory(out.getParent(), "repack");
        try {
            // the package's root is "/" when installed: 0755, not the temporary directory's 0700
            Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String line : run(List.of("dpkg-query", "-L", pkg)).split("\n")) {
                if (line.isBlank() || line.equals("/.")) {
                    continue;
                }
                Path src = Path.of(line);
                Path dst = tree.resolve(line.substring(1));
                // a directory of the package may be a symbolic link on this system (/lib on merged /usr)
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else if (Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dst.getParent());
                    Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
            }
            Path control = tree.resolve("DEBIAN");
            Files.createDirectories(control);
            // dpkg-deb wants 0755 here whatever the umask (a service's may be 027)
            Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(control.resolve("control"), controlFields(run(List.of("dpkg-query", "-s", pkg))), StandardCharsets.UTF_8);
            for (String s : SCRIPTS) {
                Path p = Path.of(INFO + pkg + "." + s);
                if (Files.exists(p)) {
                    Files.copy(p, control.resolve(s));
                    Files.setPosixFilePermissions(control.resolve(s), PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            Path conffiles = Path.of(INFO + pkg + ".conffiles");
            if (Files.exists(conffiles)) {
                Files.copy(conffiles, control.resolve("conffiles"));
            }
            // uncompressed: it is read back once, on this box, and xz would take a minute here
            run(List.of("dpkg-deb", "--root-owner-group", "-Znone", "-b", tree.toString(), out.toString()));
        } finally {
            try (var s = Files.walk(tree)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** dpkg's record of the package without what describes the installation rather than the package. */
    static String controlFields(String status) {
        StringBuilder sb = new StringBuilder();
        boolean skipping = false;
        for (String line : status.split("\n")) {
            if (!line.startsWith(" ")) {
                skipping = line.startsWith("Status:") || line.startsWith("Conffiles:") || line.startsWith("Config-Version:");
            }
            if (!skipping && !line.isEmpty()) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    private static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                String last = out.strip().lines().reduce((a, b) -> b).orElse("");
                throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + last);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + " interrupted");
        }
        return out;
    }
}
