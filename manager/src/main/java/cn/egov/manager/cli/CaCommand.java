package cn.egov.manager.cli;

import cn.egov.manager.ca.CaConfig;
import cn.egov.manager.ca.CaConfigKey;
import cn.egov.manager.ca.CaService;
import cn.egov.manager.ca.EnrolmentToken;
import cn.egov.manager.ca.IssuedCertificate;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.ca.RevocationReason;
import cn.egov.manager.config.ManagerConfig;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code manager ca ...}: the provincial CA's operator commands. Every subcommand reads the CA
 * keys ({@code ca.*}) from the manager's configuration file.
 */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = "The provincial CA: create it, issue enrolment tokens, revoke, publish CRLs, serve EST/CRL/OCSP.",
        subcommands = {CaCommand.Init.class, CaCommand.Token.class, CaCommand.Revoke.class, CaCommand.ListCerts.class,
                CaCommand.Crl.class, CaCommand.Export.class, CaCommand.IssueHub.class, CaCommand.Serve.class, CaCommand.Keys.class})
public final class CaCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The --config option and CA opening, shared by the subcommands. */
    abstract static class WithConfig implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The manager's configuration file.")
        Path config;

        @Override
        public final Integer call() throws Exception {
            try {
                return execute();
            } catch (cn.egov.manager.config.ConfigException | IllegalArgumentException
                     | java.security.GeneralSecurityException | java.io.IOException e) {
                System.err.println("manager ca: " + e.getMessage());
                return 1;
            }
        }

        abstract Integer execute() throws Exception;

        CaConfig caConfig() {
            return CaConfig.from(ManagerConfig.load(config));
        }

        ProvincialCa open() throws Exception {
            CaConfig c = caConfig();
            char[] pass = c.passphrase();
            try {
                return ProvincialCa.open(c.dir(), pass, c.settings());
            } finally {
                Arrays.fill(pass, '\0');
            }
        }
    }

    @Command(name = "init", description = "Create the root, issuing and SM2 signing CAs in ca.dir (refuses to overwrite).")
    static final class Init extends WithConfig {
        @Override
        Integer execute() throws Exception {
            CaConfig c = caConfig();
            char[] pass = c.passphrase();
            try (ProvincialCa ca = ProvincialCa.create(c.dir(), pass, c.settings())) {
                System.out.println("created CA in " + c.dir());
                System.out.println("root: " + ca.rootCertificate().getSubjectX500Principal().getName());
                System.out.println("root SHA-256 fingerprint (technicians confirm it at enrolment): " + fingerprint(ca.rootCertificate()));
            } finally {
                Arrays.fill(pass, '\0');
            }
            return 0;
        }
    }

    @Command(name = "token", description = "Issue a one-time enrolment token for one unit (printed once; only its hash is stored).")
    static final class Token extends WithConfig {
        @Option(names = "--unit", required = true, description = "Unit code CCCCCC-DDD, e.g. 130602-001.")
        String unit;
        @Option(names = "--domain", description = "Unit domain for the certificate's SAN, e.g. slj.bd.gov.cn.")
        String domain;
        @Option(names = "--ttl-hours", description = "Token lifetime; default ca.token-ttl-hours.")
        Integer ttlHours;

        @Override
        Integer execute() throws Exception {
            CaConfig c = caConfig();
            try (ProvincialCa ca = open()) {
                EnrolmentToken t = ca.newToken(UnitCode.parse(unit), domain,
                        ttlHours == null ? c.tokenTtl() : Duration.ofHours(ttlHours));
                System.out.println("token: " + t.secret());
                System.out.println("unit: " + t.unit() + (t.domain() == null ? "" : "  domain: " + t.domain()));
                System.out.println("expires: " + t.expiresAt());
                System.out.println("root fingerprint: " + fingerprint(ca.rootCertificate()));
                System.out.println("on the box: appliance enrol --manager https://<manager>:" + c.estPort() + " --unit " + t.unit()
                        + " --token " + t.secret() + " --root-fingerprint " + fingerprint(ca.rootCertificate()));
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a certificate by serial (hex) and publish a fresh CRL file.")
    static final class Revoke extends WithConfig {
        @Parameters(index = "0", paramLabel = "SERIAL", description = "Serial number in hex, as 'manager ca list' prints it.")
        String serial;
        @Option(names = "--reason", defaultValue = "unspecified",
                description = "RFC 5280 reason: unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold.")
        String reason;

        @Override
        Integer execute() throws Exception {
            try (ProvincialCa ca = open()) {
                ca.revoke(new BigInteger(serial, 16), RevocationReason.parse(reason));
                new cn.egov.manager.ca.CrlPublisher(ca, caConfig().dir().resolve("crl")).publishNow();
                System.out.println("revoked " + serial.toUpperCase() + " (" + reason + "); CRL files in " + caConfig().dir().resolve("crl"));
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List issued certificates.")
    static final class ListCerts extends WithConfig {
        @Override
        Integer execute() throws Exception {
            try (ProvincialCa ca = open()) {
                System.out.printf("%-42s %-12s %-11s %-24s %-22s %s%n", "SERIAL", "PROFILE", "UNIT", "NOT AFTER", "REVOKED", "SUBJECT");
                for (IssuedCertificate c : ca.certificates()) {
                    System.out.printf("%-42s %-12s %-11s %-24s %-22s %s%n", c.serial().toString(16).toUpperCase(), c.profile(),
                            c.unit() == null ? "-" : c.unit(), c.notAfter(), c.revoked() ? c.reason() : "-", c.subject());
                }
            }
            return 0;
        }
    }

    @Command(name = "crl", description = "Publish fresh CRLs now (PEM files in <ca.dir>/crl).")
    static final class Crl extends WithConfig {
        @Override
        Integer execute() throws Exception {
            try (ProvincialCa ca = open()) {
                new cn.egov.manager.ca.CrlPublisher(ca, caConfig().dir().resolve("crl")).publishNow();
                System.out.println("CRLs written to " + caConfig().dir().resolve("crl"));
            }
            return 0;
        }
    }

    @Command(name = "export", description = "Write root.pem, chain.pem (issuing + root) and sm2-chain.pem to a folder, for strongSwan, Mosquitto and boxes.")
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
            return 0;
        }
    }

    @Command(name = "issue-hub", description = "Issue a backbone hub (or broker TLS) certificate for a public key made on that host (PEM).")
    static final class IssueHub extends WithConfig {
        @Option(names = "--public-key", required = true, paramLabel = "PEM") Path publicKey;
        @Option(names = "--name", required = true, description = "Hub name (CN), e.g. hub.backbone.hebei.gov.cn.") String name;
        @Option(names = "--dns", split = ",") List<String> dns = List.of();
        @Option(names = "--ip", split = ",") List<String> ips = List.of();
        @Option(names = "--out", required = true, paramLabel = "PEM", description = "Certificate + issuing CA.") Path out;

        @Override
        Integer execute() throws Exception {
            PublicKey key;
            try (PEMParser p = new PEMParser(Files.newBufferedReader(publicKey))) {
                Object o = p.readObject();
                if (!(o instanceof SubjectPublicKeyInfo spki)) {
                    throw new IllegalArgumentException(publicKey + ": not a PEM public key (openssl pkey -pubout)");
                }
                key = new JcaPEMKeyConverter().getPublicKey(spki);
            }
            try (ProvincialCa ca = open()) {
                X509Certificate c = ca.issueHub(key, name, dns, ips);
                PemFiles.write(out, c, ca.issuingCertificate());
                System.out.println("issued " + c.getSerialNumber().toString(16).toUpperCase() + " to " + out);
            }
            return 0;
        }
    }

    @Command(name = "serve", description = "Run the CA's EST (HTTPS), CRL and OCSP (HTTP) endpoints alone (manager run starts them too).")
    static final class Serve extends WithConfig {
        @Override
        Integer execute() throws Exception {
            CaService s = CaService.start(caConfig());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    s.close();
                } catch (Exception e) {
                    e.printStackTrace();
                }
                stopped.countDown();
            }, "ca-shutdown"));
            System.out.println("EST: https://" + caConfig().bind() + ":" + s.estPort() + "/.well-known/est");
            System.out.println("CRL/OCSP: http://" + caConfig().bind() + ":" + s.httpPort());
            System.out.flush();
            stopped.await();
            return 0;
        }
    }

    @Command(name = "config-keys", description = "Print the CA's configuration keys with defaults.")
    static final class Keys implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.print(CaConfigKey.sample());
            return 0;
        }
    }

    static String fingerprint(X509Certificate c) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    }
}
