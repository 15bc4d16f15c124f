package cn.egov.pki.est;

import cn.egov.api.time.BeijingTime;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * What must hold on the box before the one-time token is sent: the CA spends the token when it
 * issues the certificate, so anything that would make the box lose the certificate afterwards
 * (a key store it cannot write, a clock that makes the certificate look not yet valid) is found
 * first. Each check throws {@link PreconditionException} naming the path or the clock.
 */
public final class EnrolmentPreflight {
    /** bnd writes the build time (epoch ms) into every bundle's manifest. */
    static final String BUILD_TIME_HEADER = "Bnd-LastModified";

    private final Clock clock;

    public EnrolmentPreflight(Clock clock) {
        this.clock = clock;
    }

    /**
     * The key store's folder exists (or is created) and a file can be made in it; an existing
     * key store is a regular file; no folder stands where the pending file would go. Proven by
     * creating and removing a probe file: permission bits say nothing about a read-only mount,
     * and root ignores them.
     */
    public void keyStoreWritable(Path keyStore) throws PreconditionException {
        Path file = keyStore.toAbsolutePath().normalize();
        Path dir = file.getParent();
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new PreconditionException("key store " + file + " is not a regular file");
        }
        Path pending = file.resolveSibling(file.getFileName() + BoxEnrolment.PENDING_SUFFIX);
        if (Files.exists(pending) && !Files.isRegularFile(pending)) {
            throw new PreconditionException("pending enrolment file " + pending + " is not a regular file");
        }
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new PreconditionException("key store " + file + " cannot be created: " + p + " is not a directory");
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PreconditionException("key store folder " + dir + " cannot be created: " + FileProblems.describe(e), e);
        }
        Path probe = dir.resolve("." + file.getFileName() + ".preflight");
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(probe, new byte[]{1});
        } catch (IOException e) {
            throw new PreconditionException("key store folder " + dir + " is not writable: " + FileProblems.describe(e), e);
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                // the probe stays behind, harmless; the write error above (if any) is what matters
            }
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new PreconditionException("key store " + file + " is not writable");
        }
    }

    /**
     * The clock is not before {@code floor}: a box whose clock was never set (1970, or the
     * firmware's date) would get a certificate that looks not yet valid. Times are told in Beijing
     * time, as the technician's watch shows them, not as UTC instants with nanoseconds.
     */
    public void clockNotBefore(Instant floor, String what) throws PreconditionException {
        Instant now = clock.instant();
        if (now.isBefore(floor)) {
            throw new PreconditionException("the box clock says " + BeijingTime.labelled(now) + ", before " + what + " ("
                    + BeijingTime.of(floor) + "): set the clock (NTP, or date -s) and enrol again");
        }
    }

    /** The clock lies within every trust anchor's validity. */
    public void clockWithin(List<X509Certificate> trustAnchors) throws PreconditionException {
        for (X509Certificate ca : trustAnchors) {
            String name = ca.getSubjectX500Principal().getName();
            clockNotBefore(ca.getNotBefore().toInstant(), "the start of the validity of CA certificate " + name);
            Instant now = clock.instant();
            if (now.isAfter(ca.getNotAfter().toInstant())) {
                throw new PreconditionException("the box clock says " + BeijingTime.labelled(now) + ", after CA certificate " + name
                        + " expired (" + BeijingTime.of(ca.getNotAfter().toInstant())
                        + "): check the clock, or get the current provincial CA certificates");
            }
        }
    }

    /** When this PKI bundle was built, from its manifest; empty when not run from the built jar. */
    public static Optional<Instant> buildTime() {
        try {
            Path location = Path.of(EnrolmentPreflight.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Manifest manifest;
            if (Files.isRegularFile(location)) {
                try (JarFile jar = new JarFile(location.toFile())) {
                    manifest = jar.getManifest();
                }
            } else {
                Path file = location.resolve(JarFile.MANIFEST_NAME);
                if (!Files.isRegularFile(file)) {
                    return Optional.empty();
                }
                try (InputStream in = Files.newInputStream(file)) {
                    manifest = new Manifest(in);
                }
            }
            String millis = manifest == null ? null : manifest.getMainAttributes().getValue(BUILD_TIME_HEADER);
            return millis == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(millis.trim())));
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // inside an OSGi framework the code source is not a plain path: no floor, the CA certificates still bound the clock
            return Optional.empty();
        }
    }
}
