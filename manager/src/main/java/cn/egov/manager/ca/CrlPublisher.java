package cn.egov.manager.ca;

import cn.egov.manager.cluster.Leadership;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the CA's CRLs: keeps the latest DER for the HTTP endpoint, writes PEM copies into
 * {@code <ca dir>/crl/} ({@code issuing.crl.pem}, {@code root.crl.pem}, {@code sm2.crl.pem}) and
 * the first two into the configured copy folders, then runs the configured reload command
 * ({@link CrlPublication}).
 *
 * <p>When: at {@link #start()} (or {@link #publishNow()}), every {@link CaSettings#crlInterval()} (a CRL is valid for two), and
 * as soon as the register's revocation count differs from the one the published CRLs reflect. The
 * count lives in the register, so a revocation made by another process ({@code manager ca revoke}
 * while {@code manager run} serves) is published by the serving CA within
 * {@link CrlPublication#revocationCheck()}; one made while no CA serves is published at the next start.
 */
public final class CrlPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CrlPublisher.class);
    /** Its name as a singleton ({@link Leadership}). */
    public static final String SINGLETON = "crl-publisher";

    /**
     * Published CRLs, DER.
     *
     * @param revocations the register's revocation count they reflect
     * @param reload      what the reload command did ("exit 0", "exit 1", "timed out …"), or null when none is configured
     */
    public record Published(long revocations, byte[] issuing, byte[] root, byte[] sm2, String reload) {
        /** True unless a configured reload command failed. */
        public boolean reloaded() {
            return reload == null || reload.equals("exit 0");
        }
    }

    private final ProvincialCa ca;
    private final CrlPublication publication;
    private final AtomicReference<Published> latest = new AtomicReference<>();
    private ScheduledExecutorService timer;

    public CrlPublisher(ProvincialCa ca, Path outDir) {
        this(ca, CrlPublication.in(outDir));
    }

    public CrlPublisher(ProvincialCa ca, CrlPublication publication) {
        this.ca = ca;
        this.publication = publication;
    }

    /** Publishes now, then on the schedule and at every revocation. */
    public synchronized void start() throws IOException, GeneralSecurityException {
        publishNow();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ca-crl-publisher");
            t.setDaemon(true);
            return t;
        });
        long ms = ca.settings().crlInterval().toMillis();
        timer.scheduleAtFixedRate(() -> publishLogged("scheduled"), ms, ms, TimeUnit.MILLISECONDS);
        long check = publication.revocationCheck().toMillis();
        timer.scheduleWithFixedDelay(this::publishIfRevoked, check, check, TimeUnit.MILLISECONDS);
    }

    /**
     * Hands the schedule and the revocation check to {@code leadership} as the singleton
     * {@code crl-publisher}: with several manager nodes on one PostgreSQL only one publishes
     * (CRL numbers come from one register). Stops this publisher's own timer if {@link #start()} ran.
     */
    public synchronized void scheduleUnder(Leadership leadership) {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        leadership.every(SINGLETON, "the CRL publisher", ca.settings().crlInterval(), () -> publishLogged("scheduled"));
        leadership.every(SINGLETON, "the CRL publisher", publication.revocationCheck(), this::publishIfRevoked);
    }

    /** Builds and writes fresh CRLs, delivers the copies and runs the reload command. */
    public synchronized Published publishNow() throws IOException, GeneralSecurityException {
        ProvincialCa.Crls crls = ca.crls();
        Files.createDirectories(publication.dir());
        writeAtomically(publication.dir().resolve("issuing.crl.pem"), PemFiles.encode(crls.issuing()));
        writeAtomically(publication.dir().resolve("root.crl.pem"), PemFiles.encode(crls.root()));
        writeAtomically(publication.dir().resolve("sm2.crl.pem"), PemFiles.encode(crls.sm2()));
        // served at once; copies and the reload command may take a while
        latest.set(new Published(crls.revocations(), crls.issuing().getEncoded(), crls.root().getEncoded(),
                crls.sm2().getEncoded(), null));
        for (Path copy : publication.copyDirs()) {
            writeAtomically(copy.resolve("issuing.crl.pem"), PemFiles.encode(crls.issuing()));
            writeAtomically(copy.resolve("root.crl.pem"), PemFiles.encode(crls.root()));
        }
        String reload = publication.reloadCommand().isEmpty() ? null : reload();
        LOG.info("published CRL {} of the issuing CA ({} revocations in the register){}", number(crls.issuing()),
                crls.revocations(), reload == null ? "" : "; reload command " + String.join(" ", publication.reloadCommand()) + ": " + reload);
        Published p = new Published(crls.revocations(), crls.issuing().getEncoded(), crls.root().getEncoded(), crls.sm2().getEncoded(), reload);
        latest.set(p);
        return p;
    }

    public Published latest() {
        return latest.get();
    }

    public CrlPublication publication() {
        return publication;
    }

    private void publishIfRevoked() {
        try {
            Published p = latest.get();
            if (p == null || ca.revocationCount() != p.revocations()) {
                publishLogged("a revocation");
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.warn("cannot read the CA register's revocation count: {}", e.getMessage());
        }
    }

    private void publishLogged(String why) {
        try {
            Published p = publishNow();
            if (!p.reloaded()) {
                LOG.error("CRL reload command {} failed after {}: {}", publication.reloadCommand(), why, p.reload());
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.error("CRL publication after {} failed; the previous CRLs stay published until their nextUpdate", why, e);
        }
    }

    /** Runs the reload command, output to the manager's own output; its outcome as one line. */
    private String reload() {
        try {
            Process p = new ProcessBuilder(publication.reloadCommand()).inheritIO()
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(publication.reloadTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return "timed out after " + publication.reloadTimeout().toSeconds() + " s";
            }
            return "exit " + p.exitValue();
        } catch (IOException e) {
            return "cannot run " + publication.reloadCommand().get(0) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String number(X509CRL crl) {
        byte[] ext = crl.getExtensionValue(org.bouncycastle.asn1.x509.Extension.cRLNumber.getId());
        return ext == null ? "?" : org.bouncycastle.asn1.ASN1Integer.getInstance(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).getValue().toString();
    }

    /**
     * Replaces a file in one rename: a reader (Mosquitto, strongSwan, another CA process) sees the
     * old CRL or the new one, never half. The temporary name is unique, because the serving
     * manager and {@code manager ca revoke} may publish at the same moment. CRLs are public: 0644.
     */
    private static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        try {
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
