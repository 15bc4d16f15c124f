package cn.egov.appliance.cli;

import cn.egov.pki.est.BoxEnrolment;
import cn.egov.pki.est.EnrolmentPreflight;
import cn.egov.pki.est.EstClient;
import cn.egov.pki.est.EstException;
import cn.egov.pki.est.FingerprintMismatchException;
import cn.egov.pki.est.NotStoredException;
import cn.egov.pki.est.PreconditionException;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.rules.unit.UnitCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code appliance enrol --manager URL --token TOKEN --unit CODE --root-fingerprint SHA256}: the
 * technician's one step. The key pair is made on the box and never leaves it; the certificate
 * comes from the provincial CA over EST; the manager is trusted only once the root's fingerprint
 * (read out by the provincial office, printed by {@code manager ca token}) matches.
 *
 * <p>The token is spent when the CA issues the certificate, so everything on the box is checked
 * first (password file, key store folder, clock), and a certificate that was issued but could not
 * be stored waits in a pending file for {@code --resume} (or the next {@code appliance enrol}).
 */
@Command(name = "enrol", mixinStandardHelpOptions = true,
        description = {"Enrol this box with the provincial CA (EST simpleenroll with a one-time token).",
                "The box is checked before the token is sent; a certificate issued but not stored is kept next to the key store"
                        + " (<key store>.pending) and stored by 'appliance enrol --resume' without a new token."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:enrolled (or a pending enrolment completed); the key store holds key and certificate",
                "1:the CA did not issue a certificate: unreachable (the real cause is named) or refused (its reason)",
                "2:bad input or a check on the box failed (options, password file, key store folder, clock, root fingerprint):"
                        + " nothing was sent with the token",
                "3:the certificate was issued but the key store could not be written: kept in <key store>.pending,"
                        + " complete with --resume (no new token)",
                "70:internal error (run again with --debug for the stack trace)"})
public final class EnrolCommand implements Callable<Integer> {
    static final int EXIT_NOT_ISSUED = 1;
    static final int EXIT_NOT_STORED = 3;

    @Option(names = "--manager", paramLabel = "URL", converter = EstAddress.class,
            description = "The manager's EST base, e.g. https://ca.hebei.gov.cn:8443")
    URI manager;

    /** {@code https://HOST[:PORT]}: a bare {@code host:8443} would be read as a URI whose scheme is the host. */
    static final class EstAddress implements CommandLine.ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                URI u = new URI(value);
                if ("https".equalsIgnoreCase(u.getScheme()) && u.getHost() != null) {
                    return u;
                }
            } catch (java.net.URISyntaxException e) {
                // told below, in the technician's terms
            }
            throw new CommandLine.TypeConversionException("must be the manager's EST address like https://MANAGER:8443, got '"
                    + value + "'");
        }
    }

    @Option(names = "--token", description = "One-time enrolment token from 'manager ca token'.")
    String token;

    @Option(names = "--unit", description = "This box's unit code CCCCCC-DDD (the token is bound to it).")
    String unit;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Trust trust;

    static final class Trust {
        @Option(names = "--root-fingerprint", paramLabel = "SHA256",
                description = "SHA-256 fingerprint of the provincial root (colons optional), from the provincial CA's published notice.")
        String fingerprint;
        @Option(names = "--ca-file", paramLabel = "PEM", description = "The provincial CA certificates, already verified.")
        Path caFile;
    }

    @Option(names = "--key-store", defaultValue = "/var/lib/egov/pki/box.p12", description = "Where the key and certificate go (default ${DEFAULT-VALUE}); must match the PKI bundle's key.store.path.")
    Path keyStore;

    @Option(names = "--key-store-password-file", paramLabel = "FILE", description = "File with the key store password on its first line (the PKI bundle's key.store.password); default: empty password.")
    Path passwordFile;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to wait for the connection to the manager, and again for its answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--resume", description = "Only complete a pending enrolment (a certificate issued but not stored): no CA, no token.")
    boolean resume;

    @Override
    public Integer call() {
        if (timeoutSeconds < 1) {
            throw new UserError("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        UnitCode u = unit == null ? null : unitCode();
        BoxEnrolment enrolment = new BoxEnrolment(manager, new BoxKeyStore(keyStore, password()), Clock.systemUTC(),
                Duration.ofSeconds(timeoutSeconds));
        try {
            if (resume) {
                BoxCredentials c = enrolment.resumePending(u).orElseThrow(() -> new UserError(
                        "nothing to resume: no pending enrolment " + enrolment.pendingFile()));
                report("completed the pending enrolment of unit " + BoxEnrolment.unitOf(c.certificate()) + " (no token used)", c);
                return ApplianceCommand.EXIT_OK;
            }
            requireOptionsForEnrolment();
            Optional<BoxCredentials> pending = enrolment.resumePending(u);
            if (pending.isPresent()) {
                report("completed the pending enrolment of unit " + u + "; the token was not used", pending.get());
                return ApplianceCommand.EXIT_OK;
            }
            EnrolmentPreflight preflight = new EnrolmentPreflight(Clock.systemUTC());
            preflight.keyStoreWritable(keyStore);
            Optional<java.time.Instant> built = EnrolmentPreflight.buildTime();
            if (built.isPresent()) {
                preflight.clockNotBefore(built.get(), "this software was built");
            }
            List<X509Certificate> cas = trust.caFile != null ? caFile(trust.caFile)
                    : EstClient.bootstrapCaCerts(manager, trust.fingerprint, Duration.ofSeconds(timeoutSeconds));
            report("enrolled unit " + u + " with the provincial CA", enrolment.enrol(u, token, cas));
            return ApplianceCommand.EXIT_OK;
        } catch (PreconditionException e) {
            throw new UserError(e.getMessage() + " (nothing was sent: the token is still unused)", ApplianceCommand.EXIT_BAD_INPUT, e);
        } catch (FingerprintMismatchException e) {
            throw new UserError(e.getMessage(), ApplianceCommand.EXIT_BAD_INPUT, e);
        } catch (EstException e) {
            throw new UserError("enrolment failed: " + e.getMessage() + e.whatToDo(), EXIT_NOT_ISSUED, e);
        } catch (NotStoredException e) {
            throw new UserError(e.getMessage(), EXIT_NOT_STORED, e);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), ApplianceCommand.EXIT_BAD_INPUT, e);
        } catch (IOException | GeneralSecurityException e) {
            throw new UserError("key store " + keyStore + ": " + Problems.describe(e), ApplianceCommand.EXIT_BAD_INPUT, e);
        }
    }

    private void requireOptionsForEnrolment() {
        List<String> missing = new ArrayList<>();
        if (manager == null) {
            missing.add("--manager");
        }
        if (token == null) {
            missing.add("--token");
        }
        if (unit == null) {
            missing.add("--unit");
        }
        if (trust == null) {
            missing.add("--root-fingerprint or --ca-file");
        }
        if (!missing.isEmpty()) {
            throw new UserError("missing " + String.join(", ", missing) + " (needed to enrol; only --resume goes without them)");
        }
    }

    private UnitCode unitCode() {
        try {
            return UnitCode.parse(unit);
        } catch (IllegalArgumentException e) {
            throw new UserError("--unit: " + e.getMessage());
        }
    }

    /** The first line of the password file; a file that is given must be readable and not empty. */
    private char[] password() {
        if (passwordFile == null) {
            return new char[0];
        }
        String where = "--key-store-password-file " + passwordFile;
        if (!Files.exists(passwordFile)) {
            throw new UserError(where + ": no such file");
        }
        if (!Files.isRegularFile(passwordFile)) {
            throw new UserError(where + ": not a regular file");
        }
        String first;
        try {
            first = new String(Files.readAllBytes(passwordFile), StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new UserError(where + ": cannot be read (" + Problems.describe(e) + ")");
        }
        if (first.isEmpty()) {
            throw new UserError(where + ": is empty; put the key store password on its first line, or leave the option out for an empty password");
        }
        return first.toCharArray();
    }

    /** The CA certificates of --ca-file (setup takes the same option), or one line naming what is wrong. */
    static List<X509Certificate> caFile(Path pem) {
        String where = "--ca-file " + pem;
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)))) {
                out.add((X509Certificate) c);
            }
        } catch (IOException e) {
            throw new UserError(where + ": " + (Files.exists(pem) ? "cannot be read (" + Problems.describe(e) + ")" : "no such file"));
        } catch (CertificateException e) {
            throw new UserError(where + ": not PEM or DER certificates (" + Problems.describe(e) + ")");
        }
        if (out.isEmpty()) {
            throw new UserError(where + ": holds no certificate");
        }
        return out;
    }

    private void report(String headline, BoxCredentials c) {
        X509Certificate cert = c.certificate();
        System.out.println(headline);
        System.out.println("serial: " + cert.getSerialNumber().toString(16).toUpperCase());
        System.out.println("subject: " + cert.getSubjectX500Principal().getName());
        System.out.println("issuer: " + cert.getIssuerX500Principal().getName());
        System.out.println("valid until: " + cert.getNotAfter().toInstant());
        System.out.println("key store: " + keyStore);
    }
}
