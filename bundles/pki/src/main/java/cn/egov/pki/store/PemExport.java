package cn.egov.pki.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The box's credentials as PEM files for daemons that read files, not the key store: strongSwan
 * loads the box certificate, its key and the provincial CA certificates from the paths of the
 * tunnel's configuration. The key is PKCS#8, mode 0600; every file is replaced in one step.
 */
public final class PemExport {
    private PemExport() {
    }

    /**
     * @param caFiles one file per CA: the first gets the provincial root, the second the CA that
     *                issued the box certificate, further ones the other CAs; CAs beyond the list are
     *                not written
     */
    public static void write(BoxCredentials c, Path cert, Path key, List<Path> caFiles) throws IOException {
        try {
            replace(cert, pem(c.certificate()), false);
            replace(key, pem("PRIVATE KEY", c.key().getEncoded()), true);
            List<X509Certificate> ordered = ordered(c);
            for (int i = 0; i < Math.min(caFiles.size(), ordered.size()); i++) {
                replace(caFiles.get(i), pem("CERTIFICATE", ordered.get(i).getEncoded()), false);
            }
        } catch (CertificateEncodingException e) {
            throw new IOException("cannot encode a certificate: " + e.getMessage(), e);
        }
    }

    /** A certificate as the PEM text {@link #write} puts in its files. */
    public static String pem(X509Certificate certificate) throws CertificateEncodingException {
        return pem("CERTIFICATE", certificate.getEncoded());
    }

    /** Root first, then the box certificate's issuer, then the rest. */
    static List<X509Certificate> ordered(BoxCredentials c) {
        List<X509Certificate> rest = new ArrayList<>(c.trustAnchors());
        List<X509Certificate> out = new ArrayList<>();
        rest.stream().filter(x -> x.getSubjectX500Principal().equals(x.getIssuerX500Principal())).findFirst().ifPresent(out::add);
        rest.removeAll(out);
        rest.stream().filter(x -> x.getSubjectX500Principal().equals(c.certificate().getIssuerX500Principal())).findFirst()
                .ifPresent(out::add);
        rest.removeAll(out);
        out.addAll(rest);
        return out;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void replace(Path file, String text, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
