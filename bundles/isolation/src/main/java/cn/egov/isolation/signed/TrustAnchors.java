package cn.egov.isolation.signed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the CA certificates a box trusts from PEM (or DER) files: one file, or every regular file
 * of a directory (e.g. strongSwan's {@code /etc/swanctl/x509ca}, which holds the provincial root).
 * Only CA certificates are kept; an unreadable file is an error naming it.
 */
public final class TrustAnchors {

    private TrustAnchors() {
    }

    public static List<X509Certificate> read(Path path) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        } else {
            files.add(path);
        }
        List<X509Certificate> out = new ArrayList<>();
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    X509Certificate x = (X509Certificate) c;
                    if (x.getBasicConstraints() >= 0) {
                        out.add(x);
                    }
                }
            } catch (CertificateException e) {
                throw new IOException("trust anchor file " + f + " is not PEM or DER certificates: " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no CA certificate in " + path + ": signed policies cannot be verified");
        }
        return out;
    }
}
