package cn.egov.manager.cli;

import cn.egov.manager.ca.CaConfig;
import cn.egov.manager.ca.CaConfigKey;
import cn.egov.manager.ca.CaService;
import cn.egov.manager.ca.CrlPublisher;
import cn.egov.manager.ca.EnrolmentToken;
import cn.egov.manager.ca.IssuedCertificate;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.PlanUnitNames;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.ca.RevocationReason;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.evidence.Times;
import cn.egov.rules.plan.Divisions;
import cn.egov.rules.unit.UnitCode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code manager ca ...}: the provincial CA's operator commands. Every subcommand reads the CA
 * keys ({@code ca.*}) from the manager's configuration file; tokens and signing certificates are
 * checked against the address plan in force ({@link PlanInForce}). Errors: one line on stderr and
 * the exit codes of {@link CliErrors}.
 */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = "The provincial CA: create it, issue enrolment tokens, revoke, publish CRLs, serve EST/CRL/OCSP.",
        exitCodeListHeading = CliErrors.HEADING,
        exitCodeList = {CliErrors.EXIT_OK, CliErrors.EXIT_REFUSED, CliErrors.EXIT_BAD_INPUT, CliErrors.EXIT_CANNOT_START, CliErrors.EXIT_INTERNAL},
        subcommands = {CaCommand.Init.class, CaCommand.Token.class, CaCommand.Revoke.class, CaCommand.ListCerts.class,
                CaCommand.Crl.class, CaCommand.Export.class, CaCommand.IssueHub.class, CaCommand.IssueSigning.class, CaCommand.IssueEncryption.class,
                CaCommand.Serve.class, CaCommand.Keys.class})
public final class CaCommand implements Runnable {

    /** A serial as {@code manager ca list} and {@code openssl x509 -serial} print it: hex, at most 20 octets. */
    private static final Pattern SERIAL = Pattern.compile("[0-9A-Fa-f]{1,40}");

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The --config option and CA opening, shared by the subcommands. */
    abstract static class WithConfig implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The manager's configuration file.")
        Path config;

        private ManagerConfig managerConfig;
        /** What the audit entry says of a success; {@link #execute()} sets it (never a secret: a token is not written). */
        String auditDetail = "done";

        /**
         * Runs the command and, when it changes the CA, writes one audit entry for it: done, refused
         * (bad input, the CA's rules) or failed, with the line the operator saw.
         */
        @Override
        public final Integer call() throws Exception {
            if (auditAction() == null) {
                return execute();
            }
            int code;
            try {
                code = execute();
            } catch (Exception e) {
                try {
                    CliAudit.record(managerConfig(), auditAction(), auditTarget(), CliAudit.outcomeOf(CliErrors.exitCode(e)),
                            CliErrors.message(e));
                } catch (Exception auditFailed) {
                    // a configuration that does not load names no store to write to; the operator sees the first error
                    e.addSuppressed(auditFailed);
                }
                throw e;
            }
            CliAudit.record(managerConfig(), auditAction(), auditTarget(), CliAudit.outcomeOf(code), auditDetail);
            return code;
        }

        abstract Integer execute() throws Exception;

        /** The audit action ({@code ca.revoke}), or null for a command that changes nothing (list, export, serve). */
        String auditAction() {
            return null;
        }

        /** What the command acts on, as given on the command line (so a refused attempt names it too). */
        String auditTarget() {
            return "";
        }

        ManagerConfig managerConfig() {
            if (managerConfig == null) {
                managerConfig = ConfigParts.load(config);
            }
            return managerConfig;
        }

        CaConfig caConfig() {
            if (!CaConfig.configured(managerConfig())) {
                throw UserError.badInput(config + ": " + CaConfigKey.PASSPHRASE_FILE.key() + " is not set, so this configuration has no CA");
            }
            return CaConfig.from(managerConfig());
        }

        /** Opens the CA, checking units and domains against the address plan in force. */
        ProvincialCa open() throws Exception {
            CaConfig c = caConfig();
            char[] pass = c.passphrase();
            try {
                return ProvincialCa.open(c.dir(), pass, c.settings(),
                        new PlanUnitNames(new PlanInForce(managerConfig()), Divisions.hebei()));
            } finally {
                Arrays.fill(pass, '\0');
            }
        }

        /** Publishes CRLs as configured (files, copies, reload command) and reports it on stdout. */
        int publish(ProvincialCa ca) throws Exception {
            CaConfig c = caConfig();
            CrlPublisher.Published p = new CrlPublisher(ca, c.crls()).publishNow();
            System.out.println("CRLs published to " + c.crls().dir() + (c.crls().copyDirs().isEmpty() ? "" : " and " + c.crls().copyDirs())
                    + " (" + p.revocations() + " revocation(s) in the register); a running manager serves them within "
                    + c.crls().revocationCheck().toMillis() + " ms");
            if (p.reload() != null) {
                System.out.println("reload command '" + String.join(" ", c.crls().reloadCommand()) + "': " + p.reload());
            }
            auditDetail = (auditDetail.equals("done") ? "" : auditDetail + "; ") + "CRLs published, " + p.revocations()
                    + " revocation(s) in the register" + (p.reloaded() ? "" : "; the reload command failed (" + p.reload() + ")");
            if (!p.reloaded()) {
                System.err.println("manager ca: warning: the CRL reload command '" + String.join(" ", c.crls().reloadCommand())
                        + "' failed (" + p.reload() + "); Mosquitto or strongSwan may still hold the old CRL");
            }
            return CliErrors.OK;
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create the root, issuing and SM2 signing CAs in ca.dir (refuses to overwrite).",
            exitCodeListHeading = CliErrors.HEADING,
            exitCodeList = {" 0:created", " 2:bad configuration, or a CA already exists in ca.dir", CliErrors.EXIT_INTERNAL})
    static final class Init extends WithConfig {
        @Override
        String auditAction() {
            return "ca.init";
        }

        @Override
        Integer execute() throws Exception {
            CaConfig c = caConfig();
            char[] pass = c.passphrase();
            try (ProvincialCa ca = ProvincialCa.create(c.dir(), pass, c.settings())) {
                auditDetail = "created in " + c.dir() + ", root SHA-256 " + fingerprint(ca.rootCertificate());
                System.out.println("created CA in " + c.dir());
                System.out.println("root: " + ca.rootCertificate().getSubjectX500Principal().getName());
                System.out.println("root SHA-256 fingerprint (technicians confirm it at enrolment): " + fingerprint(ca.rootCertificate()));
            } finally {
                Arrays.fill(pass, '\0');
            }
            return CliErrors.OK;
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = {"Issue a one-time enrolment token for one unit (printed once; only its hash is stored).",
                    "The unit must be in the address plan in force, and --domain a name the plan gives that unit: "
                            + "a lower-case host name, no wildcard, no IP address."},
            exitCodeListHeading = CliErrors.HEADING,
            exitCodeList = {" 0:token printed",
                    " 1:refused: the unit is outside the province or not in the plan, or the plan does not give it --domain (the line names the plan's owner)",
                    " 2:bad command line or configuration: unit code, --domain not a host name, --ttl-hours", CliErrors.EXIT_INTERNAL})
    static final class Token extends WithConfig {
        @Option(names = "--unit", required = true, paramLabel = "UNIT", description = "Unit code CCCCCC-DDD, e.g. 130602-001.")
        String unit;
        @Option(names = "--domain", paramLabel = "NAME", description = "A domain the address plan gives the unit, for the certificate's SAN, e.g. jyj.jingxiu.gov.cn.")
        String domain;
        @Option(names = "--ttl-hours", paramLabel = "HOURS", description = "Token lifetime in hours, at least 1; default ca.token-ttl-hours.")
        Integer ttlHours;

        @Override
        String auditAction() {
            return "ca.token";
        }

        @Override
        String auditTarget() {
            return CliErrors.oneLine(unit);
        }

        @Override
        Integer execute() throws Exception {
            UnitCode u = unitCode(unit);
            if (ttlHours != null && ttlHours < 1) {
                throw UserError.badInput("--ttl-hours must be at least 1 (hours), got " + ttlHours);
            }
            CaConfig c = caConfig();
            try (ProvincialCa ca = open()) {
                EnrolmentToken t = ca.newToken(u, domain, ttlHours == null ? c.tokenTtl() : Duration.ofHours(ttlHours));
                auditDetail = "enrolment token" + (t.domain() == null ? "" : " for domain " + t.domain()) + ", expires "
                        + Times.format(t.expiresAt().toEpochMilli()) + " (Beijing time)";
                System.out.println("token: " + t.secret());
                System.out.println("unit: " + t.unit() + (t.domain() == null ? "" : "  domain: " + t.domain()));
                // read out to the technician in the county: Beijing time, to the second
                System.out.println("expires: " + Times.format(t.expiresAt().toEpochMilli()) + " (Beijing time)");
                System.out.println("root fingerprint: " + fingerprint(ca.rootCertificate()));
                System.out.println("on the box: appliance enrol --manager https://<manager>:" + c.estPort() + " --unit " + t.unit()
                        + " --token " + t.secret() + " --root-fingerprint " + fingerprint(ca.rootCertificate()));
            }
            return CliErrors.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = {"Revoke a certificate by serial (hex) and publish fresh CRLs (files, copies, reload command).",
                    "A running manager serves the revocation over OCSP at once and in its HTTP CRL within ca.revocation-check-ms."},
            exitCodeListHeading = CliErrors.HEADING,
            exitCodeList = {" 0:revoked and CRLs published (a failing reload command is reported on stderr)",
                    " 1:refused: the serial is not an unrevoked certificate of this CA",
                    " 2:bad command line or configuration: serial not hexadecimal, unknown --reason", CliErrors.EXIT_INTERNAL})
    static final class Revoke extends WithConfig {
        @Parameters(index = "0", paramLabel = "SERIAL", description = "Serial number in hex, as 'manager ca list' prints it.")
        String serial;
        @Option(names = "--reason", defaultValue = "unspecified", paramLabel = "REASON",
                description = "RFC 5280 reason: unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold.")
        String reason;

        @Override
        String auditAction() {
            return "ca.revoke";
        }

        @Override
        String auditTarget() {
            return CliErrors.oneLine(serial);
        }

        @Override
        Integer execute() throws Exception {
            String hex = serial.strip().replace(":", "");
            hex = hex.regionMatches(true, 0, "0x", 0, 2) ? hex.substring(2) : hex;
            if (!SERIAL.matcher(hex).matches()) {
                throw UserError.badInput("serial '" + CliErrors.oneLine(serial) + "' is not a hexadecimal serial number of up to 40 digits"
                        + " (as 'manager ca list' prints it)");
            }
            RevocationReason why = RevocationReason.parse(reason);
            try (ProvincialCa ca = open()) {
                ca.revoke(new BigInteger(hex, 16), why);
                auditDetail = "revoked (" + why + ")";
                System.out.println("revoked " + hex.toUpperCase(Locale.ROOT) + " (" + why + ")");
                return publish(ca);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List issued certificates.",
            exitCodeListHeading = CliErrors.HEADING, exitCodeList = {CliErrors.EXIT_OK, CliErrors.EXIT_BAD_INPUT, CliErrors.EXIT_INTERNAL})
    static final class ListCerts extends WithConfig {
        private static final String NOT_AFTER = "NOT AFTER";

        @Override
        Integer execute() throws Exception {
            try (ProvincialCa ca = open()) {
                System.out.printf("%-42s %-12s %-11s %s %-22s %s%n", "SERIAL", "PROFILE", "UNIT",
                        TableTime.header(NOT_AFTER), "REVOKED", "SUBJECT");
                for (IssuedCertificate c : ca.certificates()) {
                    System.out.printf("%-42s %-12s %-11s %s %-22s %s%n", c.serial().toString(16).toUpperCase(Locale.ROOT),
                            c.profile(), c.unit() == null ? "-" : c.unit(), TableTime.cell(NOT_AFTER, c.notAfter()), c.revoked() ? c.reason() : "-",
                            c.subject());
                }
            }
            return CliErrors.OK;
        }
    }

    @Command(name = "crl", mixinStandardHelpOptions = true,
            description = "Publish current CRLs now: <ca.dir>/crl/*.crl.pem, the ca.crl-copy-dirs, then ca.crl-reload-command.",
            exitCodeListHeading = CliErrors.HEADING,
            exitCodeList = {" 0:published (a failing reload command is reported on stderr)", CliErrors.EXIT_BAD_INPUT, CliErrors.EXIT_INTERNAL})
    static final class Crl extends WithConfig {
        @Override
        String auditAction() {
            return "ca.crl";
        }

        @Override
        Integer execute() throws Exception {
            try (ProvincialCa ca = open()) {
                return publish(ca);
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write root.pem, chain.pem (issuing + root) and sm2-chain.pem to a folder, for strongSwan, Mosquitto and boxes.",
            exitCodeListHeading = CliErrors.HEADING, exitCodeList = {CliErrors.EXIT_OK, CliErrors.EXIT_BAD_INPUT, CliErrors.EXIT_INTERNAL})
    static final class Export extends WithConfig {
        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @Override
        Integer execute() throws Exception {
            try (ProvincialCa ca = open()) {
                Files.createDirectories(out);
                PemFiles.write(out.resolve("root.pem"), ca.rootCertificate());
                PemFiles.write(out.resolve("chain.pem"), ca.issuingCertificate(), ca.rootCertificate());
                PemFiles.write(out.resolve("sm2-chain.pem"), ca.sm2SigningCaCertificate(), ca.rootCertificate());
                System.out.println("root fingerprint: " + fingerprint(ca.rootCertificate()));
            }
            return CliErrors.OK;
        }
    }

    @Command(name = "issue-hub", mixinStandardHelpOptions = true,
            description = "Issue a backbone hub (or broker TLS) certificate for a public key made on that host (PEM).",
            exitCodeListHeading = CliErrors.HEADING,
            exitCodeList = {" 0:issued", " 2:bad command line, configuration or key file", CliErrors.EXIT_INTERNAL})
    static final class IssueHub extends WithConfig {
        @Option(names = "--public-key", required = true, paramLabel = "PEM") Path publicKey;
        @Option(names = "--name", required = true, description = "Hub name (CN), e.g. hub.backbone.hebei.gov.cn.") String name;
        @Option(names = "--dns", split = ",") List<String> dns = List.of();
        @Option(names = "--ip", split = ",") List<String> ips = List.of();
        @Option(names = "--out", required = true, paramLabel = "PEM", description = "Certificate + issuing CA.") Path out;

        @Override
        String auditAction() {
            return "ca.issue-hub";
        }

        @Override
        String auditTarget() {
            return CliErrors.oneLine(name);
        }

        @Override
        Integer execute() throws Exception {
            PublicKey key;
            try (PEMParser p = new PEMParser(Files.newBufferedReader(publicKey))) {
                Object o = p.readObject();
                if (!(o instanceof SubjectPublicKeyInfo spki)) {
                    throw UserError.badInput(publicKey + ": not a PEM public key (openssl pkey -pubout)");
                }
                key = new JcaPEMKeyConverter().getPublicKey(spki);
            }
            try (ProvincialCa ca = open()) {
                X509Certificate c = ca.issueHub(key, name, dns, ips);
                auditDetail = "issued serial " + c.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
                PemFiles.write(out, c, ca.issuingCertificate());
                System.out.println("issued " + c.getSerialNumber().toString(16).toUpperCase(Locale.ROOT) + " to " + out);
            }
            return CliErrors.OK;
        }
    }

    /** The key types of document-signing certificates. */
    enum SigningAlgorithm { sm2, p256 }

    @Command(name = "issue-signing", mixinStandardHelpOptions = true,
            description = {"Issue a unit's document-signing certificate for a key made at the unit (PKCS#10 request, PEM or DER).",
                    "sm2: SM2 key, signed SM3withSM2 by the SM2 Signing CA; p256: ECDSA P-256, signed by the issuing CA "
                            + "(extended key usage emailProtection only: never a TLS certificate).",
                    "The unit must be in the address plan in force. --out gets the certificate and its CA (PEM)."},
            exitCodeListHeading = CliErrors.HEADING,
            exitCodeList = {" 0:issued", " 1:refused: the unit is outside the province or not in the plan",
                    " 2:bad command line, configuration or request: unreadable CSR, bad signature, key not of --algorithm",
                    CliErrors.EXIT_INTERNAL})
    static final class IssueSigning extends WithConfig {
        @Option(names = "--unit", required = true, paramLabel = "UNIT", description = "Unit code CCCCCC-DDD; the certificate's CN.") String unit;
        @Option(names = "--algorithm", required = true, paramLabel = "ALG", description = "sm2 or p256: the CSR's key type.") SigningAlgorithm algorithm;
        @Option(names = "--csr", required = true, paramLabel = "FILE", description = "PKCS#10 request (openssl req -new), PEM or DER.") Path csr;
        @Option(names = "--out", required = true, paramLabel = "PEM", description = "Where to write the certificate and its CA.") Path out;

        @Override
        String auditAction() {
            return "ca.issue-signing";
        }

        @Override
        String auditTarget() {
            return CliErrors.oneLine(unit);
        }

        @Override
        Integer execute() throws Exception {
            UnitCode u = unitCode(unit);
            byte[] request = Files.readAllBytes(csr);
            try (ProvincialCa ca = open()) {
                PublicKey key = ProvincialCa.signingRequestKey(request, csr.toString());
                boolean sm2 = KeyPairs.isSm2(key);
                if (sm2 != (algorithm == SigningAlgorithm.sm2)) {
                    throw UserError.badInput(csr + ": the request's key is " + (sm2 ? "SM2" : KeyPairs.isP256(key) ? "ECDSA P-256" : "of another type")
                            + ", not the --algorithm " + algorithm + " asked for");
                }
                X509Certificate c = ca.issueSigning(key, u);
                auditDetail = "issued " + algorithm + " signing certificate serial " + c.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
                PemFiles.write(out, c, sm2 ? ca.sm2SigningCaCertificate() : ca.issuingCertificate());
                System.out.println("issued " + algorithm + " signing certificate " + c.getSerialNumber().toString(16).toUpperCase(Locale.ROOT)
                        + " for " + u + " to " + out);
            }
            return CliErrors.OK;
        }
    }

    @Command(name = "issue-encryption", mixinStandardHelpOptions = true,
            description = {"Issue a unit's document-encryption certificate (公文交换) for a P-256 key made at the unit (PKCS#10, PEM or DER).",
                    "Key usage keyAgreement, extended key usage emailProtection only; subject CN=<unit>, OU=document-encryption.",
                    "For a unit served by a box that is not its own (boxes enrol their own unit's keys over EST).",
                    "The unit must be in the address plan in force. --out gets the certificate and its CA (PEM)."},
            exitCodeListHeading = CliErrors.HEADING,
            exitCodeList = {" 0:issued", " 1:refused: the unit is outside the province or not in the plan",
                    " 2:bad command line, configuration or request: unreadable CSR, bad signature, key not P-256",
                    CliErrors.EXIT_INTERNAL})
    static final class IssueEncryption extends WithConfig {
        @Option(names = "--unit", required = true, paramLabel = "UNIT", description = "Unit code CCCCCC-DDD; the certificate's CN.") String unit;
        @Option(names = "--csr", required = true, paramLabel = "FILE", description = "PKCS#10 request (openssl req -new), PEM or DER.") Path csr;
        @Option(names = "--out", required = true, paramLabel = "PEM", description = "Where to write the certificate and its CA.") Path out;

        @Override
        String auditAction() {
            return "ca.issue-encryption";
        }

        @Override
        String auditTarget() {
            return CliErrors.oneLine(unit);
        }

        @Override
        Integer execute() throws Exception {
            UnitCode u = unitCode(unit);
            byte[] request = Files.readAllBytes(csr);
            try (ProvincialCa ca = open()) {
                PublicKey key = ProvincialCa.signingRequestKey(request, csr.toString());
                if (!KeyPairs.isP256(key)) {
                    throw UserError.badInput(csr + ": the request's key is " + (KeyPairs.isSm2(key) ? "SM2" : "of another type")
                            + "; a document-encryption key is ECDSA P-256");
                }
                X509Certificate c = ca.issueEncryption(key, u);
                auditDetail = "issued encryption certificate serial " + c.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
                PemFiles.write(out, c, ca.issuingCertificate());
                System.out.println("issued encryption certificate " + c.getSerialNumber().toString(16).toUpperCase(Locale.ROOT)
                        + " for " + u + " to " + out);
            }
            return CliErrors.OK;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Run the CA's EST (HTTPS), CRL and OCSP (HTTP) endpoints alone (manager run starts them too).",
            exitCodeListHeading = CliErrors.HEADING,
            exitCodeList = {" 0:stopped by a signal", CliErrors.EXIT_BAD_INPUT, CliErrors.EXIT_CANNOT_START, CliErrors.EXIT_INTERNAL})
    static final class Serve extends WithConfig {
        @Override
        Integer execute() throws Exception {
            CaConfig c = caConfig();
            Arrays.fill(c.passphrase(), '\0');
            PortCheck.requireFree(PortCheck.ofCa(c), config.toString());
            CaService s = CaService.start(c, new PlanUnitNames(new PlanInForce(managerConfig()), Divisions.hebei()));
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    s.close();
                } catch (Exception e) {
                    System.err.println("manager ca serve: the CA did not stop cleanly (" + e.getClass().getSimpleName() + ")");
                }
                stopped.countDown();
            }, "ca-shutdown"));
            System.out.println("EST: https://" + c.bind() + ":" + s.estPort() + "/.well-known/est");
            System.out.println("CRL/OCSP: http://" + c.bind() + ":" + s.httpPort());
            System.out.flush();
            stopped.await();
            return CliErrors.OK;
        }
    }

    @Command(name = "config-keys", mixinStandardHelpOptions = true, description = "Print the CA's configuration keys with defaults.",
            exitCodeListHeading = CliErrors.HEADING, exitCodeList = {CliErrors.EXIT_OK})
    static final class Keys implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.print(KeySpec.sample("Provincial CA (see manager/docs/ca.md)", CaConfigKey.specs()));
            return CliErrors.OK;
        }
    }

    static UnitCode unitCode(String text) {
        if (!UnitCode.isValid(text)) {
            throw UserError.badInput("unit code '" + CliErrors.oneLine(text) + "' is not of the form CCCCCC-DDD, e.g. 130602-001");
        }
        return UnitCode.parse(text);
    }

    static String fingerprint(X509Certificate c) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    }
}
