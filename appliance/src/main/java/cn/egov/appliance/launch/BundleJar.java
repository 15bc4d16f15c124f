package cn.egov.appliance.launch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A jar in the bundle directory, as far as its manifest tells.
 *
 * @param path         absolute path; installed by {@code reference:file:} so the framework does not copy it
 * @param symbolicName its {@code Bundle-SymbolicName} without directives
 * @param fragment     true when it has a {@code Fragment-Host} (fragments are resolved, never started)
 */
public record BundleJar(Path path, String symbolicName, boolean fragment) {

    /** Reads a jar's manifest; empty when the jar is not an OSGi bundle. */
    public static Optional<BundleJar> read(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                return Optional.empty();
            }
            Attributes main = manifest.getMainAttributes();
            String bsn = main.getValue("Bundle-SymbolicName");
            if (bsn == null) {
                return Optional.empty();
            }
            int semicolon = bsn.indexOf(';');
            String name = (semicolon < 0 ? bsn : bsn.substring(0, semicolon)).strip();
            return Optional.of(new BundleJar(jar.toAbsolutePath().normalize(), name, main.getValue("Fragment-Host") != null));
        }
    }

    /** The install location: a reference, so the jar is used in place. */
    public String location() {
        return "reference:" + path.toUri();
    }
}
