package cn.egov.vpn;

import cn.egov.pki.BoxCertificates;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.PemExport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * charon reads the box's certificate and key from files; the PKI bundle keeps them in its key
 * store and renews them there. Before every load (every start of the tunnel, see
 * {@link TunnelWatcher}) the files are brought up to date from {@link BoxCertificates}: a renewed
 * certificate is written, with its new key, and loaded; an unchanged one is left alone. Without the
 * PKI service (or not enrolled) the files stay as they are.
 */
final class CredentialFiles implements Charon {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialFiles.class);

    private final Charon charon;
    private final Supplier<Optional<BoxCertificates>> certificates;
    private final Path cert;
    private final Path key;
    private final List<Path> caFiles;

    CredentialFiles(Charon charon, Supplier<Optional<BoxCertificates>> certificates, Path cert, Path key, List<Path> caFiles) {
        this.charon = charon;
        this.certificates = certificates;
        this.cert = cert;
        this.key = key;
        this.caFiles = List.copyOf(caFiles);
    }

    @Override
    public String loadAll() {
        refresh();
        return charon.loadAll();
    }

    @Override
    public void initiate(String child) {
        charon.initiate(child);
    }

    @Override
    public List<IkeSa> listSas() {
        return charon.listSas();
    }

    /** Writes the current credentials when the certificate file holds another certificate; true when it did. */
    boolean refresh() {
        Optional<BoxCredentials> current = certificates.get().flatMap(BoxCertificates::current);
        if (current.isEmpty()) {
            return false;
        }
        try {
            byte[] pem = PemExport.pem(current.get().certificate()).getBytes(StandardCharsets.US_ASCII);
            if (Files.isRegularFile(cert) && Arrays.equals(Files.readAllBytes(cert), pem)) {
                return false;
            }
            PemExport.write(current.get(), cert, key, caFiles);
            LOG.info("tunnel credentials: wrote certificate {} (serial {}) for charon", cert,
                    current.get().certificate().getSerialNumber().toString(16));
            return true;
        } catch (IOException | CertificateEncodingException e) {
            throw new TunnelException("cannot write the box certificate for charon to " + cert + ": " + e.getMessage(), e);
        }
    }
}
