package cn.egov.manager.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.ca.CaConfigKey;
import cn.egov.manager.ca.HebeiPlan;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.plan.PlanConfigKey;
import cn.egov.manager.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code manager config-keys}, {@code manager ca issue-signing}, {@code revoke} and {@code crl}
 * through the picocli entry point, checked with openssl.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaCommandTest {

    @TempDir
    static Path dir;
    Path config;

    private record Run(int exit, String out, String err) {
    }

    @BeforeAll
    void createCa() throws Exception {
        Path pass = dir.resolve("ca.pass");
        Files.writeString(pass, "ca command test\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        config = dir.resolve("manager.properties");
        Files.writeString(config, String.join("\n", "data.dir = " + dir.resolve("m"), "ca.passphrase-file = " + pass,
                "plan.dir = " + HebeiPlan.DIR.toAbsolutePath().normalize(), ""));
        Run init = run("ca", "init", "-c", config.toString());
        assertEquals(0, init.exit(), init.err());
        assertEquals(0, run("ca", "export", "-c", config.toString(), "--out", dir.toString()).exit());
    }

    @Test
    void configKeysPrintsEveryKeyOfEveryPartAndTheSampleLoads() throws Exception {
        Run r = run("config-keys");
        assertEquals(0, r.exit());
        List<String> keys = Stream.of(Stream.of(ConfigKey.values()).map(k -> k.key), Stream.of(CaConfigKey.values()).map(k -> k.key()),
                Stream.of(PlanConfigKey.values()).map(k -> k.key())).flatMap(s -> s).toList();
        for (String k : keys) {
            assertTrue(r.out().contains("\n#" + k + " = "), k + " in:\n" + r.out());
        }
        // every key uncommented, with its default: a file the commands accept as it is
        String uncommented = r.out().lines().map(l -> l.matches("#[a-z][a-z.-]* = .*") ? l.substring(1) : l)
                .collect(Collectors.joining("\n"));
        Path sample = dir.resolve("sample.properties");
        Files.writeString(sample, uncommented);
        ManagerConfig loaded = ConfigParts.load(sample);
        assertEquals(ManagerConfig.defaults().values(), loaded.values());
        assertEquals(CaConfigKey.values().length, loaded.extension("ca").size());
        assertEquals(PlanConfigKey.values().length, loaded.extension("plan").size());
    }

    @Test
    void issueSigningGivesAUnitAnSm2OrP256DocumentSigningCertificateThatOpensslVerifies() throws Exception {
        sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out sm2.key"
                + " && openssl req -new -key sm2.key -subj /CN=130602-001 -sm3 -sigopt distid:1234567812345678 -out sm2.csr"
                + " && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout p256.key -subj /CN=130602-001 -out p256.csr");

        Run sm2 = run("ca", "issue-signing", "-c", config.toString(), "--unit", "130602-001", "--algorithm", "sm2", "--csr", "sm2.csr", "--out", "sm2.pem");
        assertEquals(0, sm2.exit(), sm2.err());
        String text = sh("openssl x509 -in sm2.pem -noout -text");
        assertTrue(text.contains("Signature Algorithm: SM2-with-SM3"), text);
        assertTrue(text.contains("CN = 130602-001") && text.contains("OU = document-signing"), text);
        assertTrue(text.contains("Digital Signature, Non Repudiation"), text);
        assertEquals(sh("openssl pkey -in sm2.key -pubout"), sh("openssl x509 -in sm2.pem -noout -pubkey"), "certifies the key of the request");
        String verified = sh("openssl verify -vfyopt distid:1234567812345678 -CAfile root.pem -untrusted sm2-chain.pem sm2.pem");
        assertTrue(verified.contains("sm2.pem: OK"), verified);

        Run p256 = run("ca", "issue-signing", "-c", config.toString(), "--unit", "130602-001", "--algorithm", "p256", "--csr", "p256.csr", "--out", "p256.pem");
        assertEquals(0, p256.exit(), p256.err());
        String p256Text = sh("openssl x509 -in p256.pem -noout -text");
        assertTrue(p256Text.contains("ecdsa-with-SHA256") && p256Text.contains("E-mail Protection") && !p256Text.contains("TLS Web"), p256Text);
        sh("openssl verify -CAfile chain.pem p256.pem");
        for (String purpose : List.of("sslclient", "sslserver")) {
            Sh tls = sh2("openssl verify -purpose " + purpose + " -CAfile chain.pem p256.pem");
            assertNotEquals(0, tls.exit(), purpose + ": a signing certificate is no TLS certificate");
        }

        Run wrongAlg = run("ca", "issue-signing", "-c", config.toString(), "--unit", "130602-001", "--algorithm", "sm2", "--csr", "p256.csr", "--out", "x.pem");
        assertEquals(2, wrongAlg.exit());
        assertTrue(wrongAlg.err().contains("the request's key is ECDSA P-256, not the --algorithm sm2"), wrongAlg.err());
        sh("openssl req -new -key sm2.key -subj /CN=130602-001 -sm3 -out sm2-no-id.csr");
        Run noId = run("ca", "issue-signing", "-c", config.toString(), "--unit", "130602-001", "--algorithm", "sm2", "--csr", "sm2-no-id.csr", "--out", "x.pem");
        assertEquals(2, noId.exit());
        assertTrue(noId.err().contains("distid:1234567812345678"), noId.err());
        Run absent = run("ca", "issue-signing", "-c", config.toString(), "--unit", "130602-009", "--algorithm", "p256", "--csr", "p256.csr", "--out", "x.pem");
        assertEquals(1, absent.exit());
        assertTrue(absent.err().contains("130602-009 is not in the address plan"), absent.err());
        assertTrue(!Files.exists(dir.resolve("x.pem")));
    }

    @Test
    void aTokenTellsWhenItExpiresInBeijingTimeAsTheTechnicianWillBeToldIt() throws Exception {
        java.time.ZonedDateTime before = java.time.ZonedDateTime.now(java.time.ZoneId.of("Asia/Shanghai")).plusHours(2).withNano(0);
        Run token = run("ca", "token", "-c", config.toString(), "--unit", "130602-001", "--ttl-hours", "2");
        assertEquals(0, token.exit(), token.err());
        String line = token.out().lines().filter(l -> l.startsWith("expires: ")).findFirst().orElseThrow();
        assertTrue(line.matches("expires: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\(Beijing time\\)"), line);
        java.time.LocalDateTime expires = java.time.LocalDateTime.parse(line.substring(9, 28).replace(' ', 'T'));
        assertTrue(!expires.isBefore(before.toLocalDateTime()) && expires.isBefore(before.toLocalDateTime().plusMinutes(1)), line + " vs " + before);
    }

    @Test
    void listShowsNotAfterInBeijingTimeWithTheZoneNamedOnceInTheHeader() throws Exception {
        sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout list-test.key -subj /CN=130602-001 -out list-test.csr");
        assertEquals(0, run("ca", "issue-signing", "-c", config.toString(), "--unit", "130602-001", "--algorithm", "p256",
                "--csr", "list-test.csr", "--out", "list-test.pem").exit());
        java.security.cert.X509Certificate cert;
        try (java.io.InputStream in = Files.newInputStream(dir.resolve("list-test.pem"))) {
            cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        Run list = run("ca", "list", "-c", config.toString());
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().lines().findFirst().orElseThrow().contains("NOT AFTER (北京时间 UTC+8)"), list.out());
        String row = list.out().lines().filter(l -> l.startsWith(cert.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT)))
                .findFirst().orElseThrow(() -> new AssertionError(list.out()));
        assertTrue(row.contains(cn.egov.api.time.BeijingTime.of(cert.getNotAfter().toInstant())), row);
        assertTrue(!row.contains(cert.getNotAfter().toInstant().toString()), "no UTC instant on the row: " + row);
    }

    @Test
    void revokeAndCrlWriteCurrentCrlFiles() throws Exception {
        sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout crl-test.key -subj /CN=130602-002 -out crl-test.csr");
        assertEquals(0, run("ca", "issue-signing", "-c", config.toString(), "--unit", "130602-002", "--algorithm", "p256",
                "--csr", "crl-test.csr", "--out", "crl-test.pem").exit());
        String serial = sh("openssl x509 -in crl-test.pem -noout -serial").strip().substring("serial=".length());
        Run revoke = run("ca", "revoke", "-c", config.toString(), serial, "--reason", "superseded");
        assertEquals(0, revoke.exit(), revoke.err());
        Path issuing = dir.resolve("m/ca/crl/issuing.crl.pem");
        assertTrue(sh("openssl crl -in " + issuing + " -noout -text").contains("Serial Number: " + serial), "revoke publishes");
        String before = sh("openssl crl -in " + issuing + " -noout -crlnumber");

        Files.delete(issuing);
        Run crl = run("ca", "crl", "-c", config.toString());
        assertEquals(0, crl.exit(), crl.err());
        assertTrue(crl.out().contains("CRLs published to " + dir.resolve("m/ca/crl")), crl.out());
        String text = sh("openssl crl -in " + issuing + " -noout -text -CAfile chain.pem");
        assertTrue(text.contains("Serial Number: " + serial), text);
        assertNotEquals(before, sh("openssl crl -in " + issuing + " -noout -crlnumber"), "a new CRL, not the old file");
        assertTrue(Files.exists(dir.resolve("m/ca/crl/root.crl.pem")) && Files.exists(dir.resolve("m/ca/crl/sm2.crl.pem")));
    }

    @Test
    void revokeTokenAndCrlLeaveAnAuditEntryNamingTheOsUserAlsoWhenRefused() throws Exception {
        sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout audit-test.key -subj /CN=130602-001 -out audit-test.csr");
        assertEquals(0, run("ca", "issue-signing", "-c", config.toString(), "--unit", "130602-001", "--algorithm", "p256",
                "--csr", "audit-test.csr", "--out", "audit-test.pem").exit());
        String serial = sh("openssl x509 -in audit-test.pem -noout -serial").strip().substring("serial=".length());
        assertEquals(0, run("ca", "revoke", "-c", config.toString(), serial, "--reason", "keyCompromise").exit());
        assertEquals(1, run("ca", "revoke", "-c", config.toString(), "ABCDEF0123").exit(), "unknown serial");
        assertEquals(0, run("ca", "token", "-c", config.toString(), "--unit", "130602-001", "--ttl-hours", "2").exit());
        assertEquals(1, run("ca", "token", "-c", config.toString(), "--unit", "130602-009").exit(), "not in the plan");
        assertEquals(0, run("ca", "crl", "-c", config.toString()).exit());

        List<AuditEntry> audit;
        try (Database db = Database.open(ConfigParts.load(config).jdbcUrl())) {
            audit = new AuditLog(db).newest(1000);
        }
        assertTrue(audit.stream().anyMatch(e -> e.action().equals("ca.issue-signing") && e.target().equals("130602-001")
                && e.outcome() == AuditEntry.Outcome.SUCCESS && e.detail().contains(serial)), "issue-signing of " + serial + " in " + audit);
        AuditEntry revoked = entry(audit, "ca.revoke", serial, AuditEntry.Outcome.SUCCESS);
        assertEquals("cli:" + System.getProperty("user.name"), revoked.actor());
        assertEquals("cli", revoked.role());
        assertEquals("local", revoked.source());
        assertTrue(revoked.detail().contains("keyCompromise") && revoked.detail().contains("CRLs published"), revoked.detail());
        assertTrue(entry(audit, "ca.revoke", "ABCDEF0123", AuditEntry.Outcome.REFUSED).detail().contains("ABCDEF0123"));
        AuditEntry token = entry(audit, "ca.token", "130602-001", AuditEntry.Outcome.SUCCESS);
        assertTrue(token.detail().contains("expires"), token.detail());
        String secret = run("ca", "token", "-c", config.toString(), "--unit", "130602-001").out().lines()
                .filter(l -> l.startsWith("token: ")).findFirst().orElseThrow().substring("token: ".length());
        try (Database db = Database.open(ConfigParts.load(config).jdbcUrl())) {
            assertTrue(new AuditLog(db).newest(1000).stream().noneMatch(e -> e.detail().contains(secret)), "the token secret is never audited");
        }
        assertTrue(entry(audit, "ca.token", "130602-009", AuditEntry.Outcome.REFUSED).detail().contains("not in the address plan"));
        entry(audit, "ca.crl", "", AuditEntry.Outcome.SUCCESS);
    }

    private static AuditEntry entry(List<AuditEntry> audit, String action, String target, AuditEntry.Outcome outcome) {
        return audit.stream().filter(e -> e.action().equals(action) && e.target().equals(target) && e.outcome() == outcome).findFirst()
                .orElseThrow(() -> new AssertionError("no " + action + " " + target + " " + outcome + " in " + audit));
    }

    private Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            String[] resolved = Stream.of(args).map(a -> a.endsWith(".csr") || a.endsWith(".pem") ? dir.resolve(a).toString() : a)
                    .toArray(String[]::new);
            int exit = ManagerCommand.commandLine().setErr(new PrintWriter(System.err, true)).execute(resolved);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private record Sh(int exit, String output) {
    }

    private Sh sh2(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Sh(p.exitValue(), output);
    }

    private String sh(String script) throws Exception {
        Sh c = sh2(script);
        assertEquals(0, c.exit(), script + ": " + c.output());
        return c.output();
    }
}
