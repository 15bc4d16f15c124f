package cn.egov.pki.check;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds CA certificates in the box's trust stores that are not the provincial CA's: one
 * provincial CA issues every certificate, and a trust store holding another (a vendor CA, a
 * technician's test CA) would let a foreign certificate authenticate. Reads PEM or DER
 * certificate files and directories of them (strongSwan {@code x509ca/}, Mosquitto
 * {@code cafile}, the box key store's trust entries are checked by the caller).
 */
public final class TrustStoreAudit {

    /** A CA certificate that should not be there. */
    public record Finding(Path file, String subject, String sha256) {
    }

    /** A trust store file that could not be read is a finding too: unknown content is not trusted content. */
    public record Unreadable(Path file, String reason) {
    }

    public record Report(List<Finding> foreign, List<Unreadable> unreadable, int checked) {
        public boolean clean() {
            return foreign.isEmpty() && unreadable.isEmpty();
        }
    }

    private static final Set<String> CERT_SUFFIXES = Set.of(".pem", ".crt", ".cer", ".der");
    /** A trust store file is a few KB; a huge one is not a certificate file. */
    private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

    private final Set<String> provincial;

    /** @param provincialCas the root and subordinate CAs of the provincial CA */
    public TrustStoreAudit(List<X509Certificate> provincialCas) {
        this.provincial = provincialCas.stream().map(cn.egov.pki.est.EstClient::fingerprint).collect(Collectors.toSet());
    }

    public Report audit(List<Path> paths) {
        List<Finding> foreign = new ArrayList<>();
        List<Unreadable> unreadable = new ArrayList<>();
        int checked = 0;
        for (Path p : paths) {
            List<Path> files;
            try (Stream<Path> s = Files.isDirectory(p) ? Files.list(p) : Stream.of(p)) {
                files = s.filter(f -> Files.isRegularFile(f) && (!Files.isDirectory(p) || CERT_SUFFIXES.stream()
                        .anyMatch(x -> f.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(x)))).sorted().toList();
            } catch (IOException e) {
                if (Files.exists(p)) {
                    unreadable.add(new Unreadable(p, e.getMessage()));
                }
                continue;
            }
            for (Path f : files) {
                try {
                    for (X509Certificate c : read(f)) {
                        checked++;
                        if (c.getBasicConstraints() >= 0 || c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                            String fp = cn.egov.pki.est.EstClient.fingerprint(c);
                            if (!provincial.contains(fp)) {
                                foreign.add(new Finding(f, c.getSubjectX500Principal().getName(), fp));
                            }
                        }
                    }
                } catch (IOException | CertificateException e) {
                    unreadable.add(new Unreadable(f, e.getMessage()));
                }
            }
        }
        return new Report(foreign, unreadable, checked);
    }

    private static List<X509Certificate> read(Path f) throws IOException, CertificateException {
        if (Files.size(f) > MAX_FILE_BYTES) {
            throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
        }
        byte[] bytes = Files.readAllBytes(f);
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw new CertificateException("no certificate in " + f + " (" + Arrays.toString(Arrays.copyOf(bytes, Math.min(8, bytes.length))) + "...)");
        }
        return out;
    }
}
