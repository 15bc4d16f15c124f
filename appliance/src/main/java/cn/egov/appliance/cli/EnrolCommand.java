package cn.egov.appliance.cli;

import cn.egov.pki.est.BoxEnrolment;
import cn.egov.pki.est.EstClient;
import cn.egov.pki.est.EstException;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.rules.unit.UnitCode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code appliance enrol --manager URL --token TOKEN --unit CODE --root-fingerprint SHA256}: the
 * technician's one step. The key pair is made on the box and never leaves it; the certificate
 * comes from the provincial CA over EST; the manager is trusted only once the root's fingerprint
 * (read out by the provincial office, printed by {@code manager ca token}) matches.
 */
@Command(name = "enrol", mixinStandardHelpOptions = true,
        description = "Enrol this box with the provincial CA (EST simpleenroll with a one-time token).")
public final class EnrolCommand implements Callable<Integer> {

    @Option(names = "--manager", required = true, paramLabel = "URL", description = "The manager's EST base, e.g. https://ca.hebei.gov.cn:8443")
    URI manager;

    @Option(names = "--token", required = true, description = "One-time enrolment token from 'manager ca token'.")
    String token;

    @Option(names = "--unit", required = true, description = "This box's unit code CCCCCC-DDD (the token is bound to it).")
    String unit;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Trust trust;

    static final class Trust {
        @Option(names = "--root-fingerprint", paramLabel = "SHA256", description = "SHA-256 fingerprint of the provincial root (colons optional).")
        String fingerprint;
        @Option(names = "--ca-file", paramLabel = "PEM", description = "The provincial CA certificates, already verified.")
        Path caFile;
    }

    @Option(names = "--key-store", defaultValue = "/var/lib/egov/pki/box.p12", description = "Where the key and certificate go (default ${DEFAULT-VALUE}); must match the PKI bundle's key.store.path.")
    Path keyStore;

    @Option(names = "--key-store-password-file", paramLabel = "FILE", description = "File with the key store password (the PKI bundle's key.store.password); default: empty.")
    Path passwordFile;

    @Override
    public Integer call() throws Exception {
        try {
            UnitCode u = UnitCode.parse(unit);
            List<X509Certificate> cas = trust.caFile != null ? read(trust.caFile) : EstClient.bootstrapCaCerts(manager, trust.fingerprint);
            char[] pw = passwordFile == null ? new char[0] : Files.readAllLines(passwordFile).get(0).strip().toCharArray();
            BoxCredentials c = new BoxEnrolment(manager, new BoxKeyStore(keyStore, pw)).enrol(u, token, cas);
            X509Certificate cert = c.certificate();
            System.out.println("enrolled unit " + u + " with the provincial CA");
            System.out.println("serial: " + cert.getSerialNumber().toString(16).toUpperCase());
            System.out.println("subject: " + cert.getSubjectX500Principal().getName());
            System.out.println("issuer: " + cert.getIssuerX500Principal().getName());
            System.out.println("valid until: " + cert.getNotAfter().toInstant());
            System.out.println("key store: " + keyStore);
            return 0;
        } catch (EstException e) {
            System.err.println("enrolment failed: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException | java.io.IOException | java.security.GeneralSecurityException e) {
            System.err.println("enrolment failed: " + e.getMessage());
            return 1;
        }
    }

    private static List<X509Certificate> read(Path pem) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)))) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(pem + ": no certificate");
        }
        return out;
    }
}
