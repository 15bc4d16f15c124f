package cn.egov.manager.policy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.ca.CaConfig;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.cli.ManagerCommand;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code manager policy sign|verify|publish} as a user runs them: sign offline with the manager's
 * CA and database, check the file as an auditor would, publish through the running manager's REST
 * API; serials continue across both paths because both use the manager's history.
 */
class PolicyCommandTest {

    private static final String BASELINE = "../rules/policy/baseline";
    private static final String NOC = "cli-noc-token-0123456789";

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = ManagerCommand.commandLine().execute(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void signVerifyAndPublish() throws Exception {
        Path pass = dir.resolve("ca.pass");
        Files.writeString(pass, "cli-ca-passphrase\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        Path config = dir.resolve("manager.conf");
        Files.writeString(config, "data.dir = " + dir.resolve("data") + "\nbroker.port = 0\nweb.port = 0\nauth.noc.token = " + NOC
                + "\nca.passphrase-file = " + pass + "\nca.http-port = 18081\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------")); // it holds a token
        ManagerConfig cfg = ManagerConfig.load(config);
        CaConfig caConfig = CaConfig.from(cfg);
        Path root = dir.resolve("root.pem");
        try (ProvincialCa ca = ProvincialCa.create(caConfig.dir(), caConfig.passphrase(), caConfig.settings())) {
            PemFiles.write(root, ca.rootCertificate());
        }

        // an invalid policy: refused with the file and line, exit 1, nothing written
        Path broken = Files.createDirectories(dir.resolve("broken"));
        for (String f : new String[]{"10-zones.policy", "20-services.policy", "30-rules.policy"}) {
            Files.copy(Path.of(BASELINE, f), broken.resolve(f));
        }
        Files.writeString(broken.resolve("30-rules.policy"), "\nflow stray\n    from nowhere\n", java.nio.file.StandardOpenOption.APPEND);
        Run refused = run("policy", "sign", "--config", config.toString(), "--dir", broken.toString(), "--scope", "county:130602",
                "--out", dir.resolve("never.bundle").toString());
        assertEquals(1, refused.exit(), refused.err());
        assertTrue(refused.err().contains("30-rules.policy:"), refused.err());
        assertTrue(!Files.exists(dir.resolve("never.bundle")));

        Path bundle = dir.resolve("p.bundle");
        Run signed = run("policy", "sign", "--config", config.toString(), "--dir", BASELINE, "--scope", "county:130602",
                "--out", bundle.toString());
        assertEquals(0, signed.exit(), signed.err());
        assertTrue(signed.out().contains("signed serial 1"), signed.out());
        // both attempts are on the audit log under the OS user, as the web's publish is under its account
        try (Database db = Database.open(cfg.jdbcUrl())) {
            List<AuditEntry> audit = new AuditLog(db).newest(10);
            assertEquals(List.of("policy.sign SUCCESS county:130602", "policy.sign REFUSED county:130602"),
                    audit.stream().map(e -> e.action() + " " + e.outcome() + " " + e.target()).toList());
            assertEquals("cli:" + System.getProperty("user.name"), audit.get(0).actor());
            assertTrue(audit.get(0).detail().contains("signed serial 1"), audit.get(0).detail());
            assertTrue(audit.get(1).detail().contains("30-rules.policy:"), audit.get(1).detail());
        }

        Run ok = run("policy", "verify", "--bundle", bundle.toString(), "--trust", root.toString(), "--unit", "130602-001");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("10-zones.policy  sha256 "), ok.out());
        // when it was signed, as the operator's clock shows it (as 'manager ca token' tells when a token expires)
        assertTrue(ok.out().lines().findFirst().orElseThrow().matches(".*, issued \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\(Beijing time\\)"),
                ok.out());
        Run scope = run("policy", "verify", "--bundle", bundle.toString(), "--trust", root.toString(), "--unit", "130603-001");
        assertEquals(1, scope.exit());
        assertTrue(scope.err().contains("check 'scope'"), scope.err());
        Run replay = run("policy", "verify", "--bundle", bundle.toString(), "--trust", root.toString(), "--unit", "130602-001",
                "--serial-in-force", "1");
        assertTrue(replay.err().contains("check 'serial'"), replay.err());
        Run notABundle = run("policy", "verify", "--bundle", config.toString(), "--trust", root.toString(), "--unit", "130602-001");
        assertEquals(1, notABundle.exit());
        assertTrue(notABundle.err().contains("check 'format'"), notABundle.err());
        assertEquals(2, run("policy", "verify", "--bundle", dir.resolve("missing").toString(), "--trust", root.toString(),
                "--unit", "130602-001").exit(), "unreadable input");

        // publish through the running manager: serial 2, after the one signed offline
        try (ProvincialCa ca = ProvincialCa.open(caConfig.dir(), caConfig.passphrase(), caConfig.settings());
             ManagerAssembly m = ManagerAssembly.start(cfg, ManagerAssembly.Options.defaults().withPolicySigning(
                     PolicySigningKey.loadOrIssue(ca, caConfig.dir().resolve(PolicySigningKey.FILE), caConfig.passphrase())))) {
            Path token = dir.resolve("noc.token");
            Files.writeString(token, NOC + "\n");
            Run published = run("policy", "publish", "--url", m.webUrl(), "--token-file", token.toString(), "--dir", BASELINE,
                    "--scope", "unit:130602-001");
            assertEquals(0, published.exit(), published.err());
            assertTrue(published.out().contains("published serial 2") && published.out().contains("130602-001"), published.out());
            Files.writeString(token, "wrong\n");
            Run unauthorised = run("policy", "publish", "--url", m.webUrl(), "--token-file", token.toString(), "--dir", BASELINE,
                    "--scope", "unit:130602-001");
            assertEquals(2, unauthorised.exit());
            assertTrue(unauthorised.err().contains("401"), unauthorised.err());
        }
    }
}
