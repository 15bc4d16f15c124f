package cn.egov.manager.ca;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the CA's CRLs every {@link CaSettings#crlInterval()} (and on demand after a
 * revocation): keeps the latest DER for the HTTP endpoint and writes PEM copies into
 * {@code <ca dir>/crl/} ({@code issuing.crl.pem}, {@code root.crl.pem}, {@code sm2.crl.pem}) for
 * Mosquitto's {@code crlfile} and strongSwan's {@code x509crl/}.
 */
public final class CrlPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CrlPublisher.class);

    /** The published CRLs, DER. */
    public record Published(byte[] issuing, byte[] root, byte[] sm2) {
    }

    private final ProvincialCa ca;
    private final Path outDir;
    private final AtomicReference<Published> latest = new AtomicReference<>();
    private ScheduledExecutorService timer;

    public CrlPublisher(ProvincialCa ca, Path outDir) {
        this.ca = ca;
        this.outDir = outDir;
    }

    /** Publishes now, then on the schedule. */
    public synchronized void start() throws IOException, GeneralSecurityException {
        publishNow();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ca-crl-publisher");
            t.setDaemon(true);
            return t;
        });
        long ms = ca.settings().crlInterval().toMillis();
        timer.scheduleAtFixedRate(() -> {
            try {
                publishNow();
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                LOG.error("CRL publication failed; the previous CRLs stay published until their nextUpdate", e);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Builds and writes fresh CRLs (call after a revocation). */
    public synchronized Published publishNow() throws IOException, GeneralSecurityException {
        var issuing = ca.crl();
        var root = ca.rootCrl();
        var sm2 = ca.sm2Crl();
        Files.createDirectories(outDir);
        writeAtomically(outDir.resolve("issuing.crl.pem"), PemFiles.encode(issuing));
        writeAtomically(outDir.resolve("root.crl.pem"), PemFiles.encode(root));
        writeAtomically(outDir.resolve("sm2.crl.pem"), PemFiles.encode(sm2));
        Published p = new Published(issuing.getEncoded(), root.getEncoded(), sm2.getEncoded());
        latest.set(p);
        return p;
    }

    public Published latest() {
        return latest.get();
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
