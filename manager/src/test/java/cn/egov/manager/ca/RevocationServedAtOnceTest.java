package cn.egov.manager.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.support.ManagerProcess;
import cn.egov.manager.support.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation reaches every consumer at once, whichever process makes it. Everything here is a
 * real process: {@code manager run} serves (EST, CRL, OCSP); {@code manager ca token},
 * {@code export} and {@code revoke} run as separate commands, as an operator runs them; the box
 * enrols and renews with openssl and curl; openssl reads the CRL fetched over HTTP and asks OCSP.
 * <ol>
 *   <li>revoked while the manager serves: 2 s later the HTTP CRL lists the serial, openssl
 *       verify -crl_check rejects the certificate (and still accepts the other box's), OCSP says
 *       revoked, and the configured copy file and reload command got the new CRL;</li>
 *   <li>revoked while the manager is stopped: its next start serves it.</li>
 * </ol>
 */
class RevocationServedAtOnceTest {

    private static final Pattern PORTS = Pattern.compile("ca: EST on port (\\d+), CRL/OCSP on port (\\d+)");

    @TempDir
    Path dir;
    Path config;

    @Test
    void aRevocationByAnotherProcessIsServedWithinSecondsAndOneMadeWhileStoppedAtTheNextStart() throws Exception {
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        Path pass = dir.resolve("ca.pass");
        Files.writeString(pass, "revocation test passphrase\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(dir.resolve("mosquitto"));
        // the reload command: records which serials the copied CRL lists when it runs
        Path reload = dir.resolve("reload.sh");
        Files.writeString(reload, "#!/bin/sh\nopenssl crl -in " + dir.resolve("mosquitto/issuing.crl.pem")
                + " -noout -text >> " + dir.resolve("reloads.log") + "\n");
        Files.setPosixFilePermissions(reload, PosixFilePermissions.fromString("rwx------"));
        config = dir.resolve("manager.properties");
        Files.writeString(config, String.join("\n",
                "data.dir = " + dir.resolve("manager"),
                "web.port = 0",
                "broker.port = 0",
                "ca.passphrase-file = " + pass,
                "ca.est-port = 0",
                "ca.http-port = " + httpPort,
                "plan.dir = " + HebeiPlan.DIR.toAbsolutePath().normalize(),
                "ca.crl-copy-dirs = " + dir.resolve("mosquitto"),
                "ca.crl-reload-command = " + reload,
                ""));

        Process manager = startManager("first");
        String est;
        try {
            est = "https://127.0.0.1:" + ports("first").group(1) + CaHttpPaths.EST;
            manager("ca", "export", "-c", config.toString(), "--out", dir.toString());
            enrol(est, "keep", "jyj.jingxiu.gov.cn");
            renew(est, "keep", "gone"); // a second certificate of the box, by EST simplereenroll
            String gone = serialOf("gone.pem");
            assertNotEquals(serialOf("keep.pem"), gone);

            manager("ca", "revoke", "-c", config.toString(), gone, "--reason", "keyCompromise");
            // the running manager notices within ca.revocation-check-ms (1 s) and publishes; the bound is generous (a loaded
            // machine), not a speed assertion: what counts is that the running manager serves it without a restart
            Poll.until("the running manager serves a CRL that lists " + gone, 60_000, () -> servedCrl("served.crl", httpPort).contains("Serial Number: " + gone));
            Poll.until("the reload command ran on the new CRL", 60_000, () -> read("reloads.log").contains("Serial Number: " + gone));
            String crl = sh("openssl crl -inform DER -in served.crl -noout -text");
            assertTrue(crl.contains("Serial Number: " + gone), crl);
            assertTrue(crl.contains("Key Compromise"), crl);
            sh("openssl crl -inform DER -in served.crl -out served.crl.pem");
            Commands.Result rejected = Commands.run(dir, "openssl", "verify", "-crl_check", "-CAfile", "chain.pem",
                    "-CRLfile", "served.crl.pem", "gone.pem");
            assertNotEquals(0, rejected.exit(), rejected.output());
            assertTrue(rejected.output().contains("certificate revoked"), rejected.output());
            assertEquals(0, Commands.run(dir, "openssl", "verify", "-crl_check", "-CAfile", "chain.pem",
                    "-CRLfile", "served.crl.pem", "keep.pem").exit(), "the box's other certificate stays valid");

            String ocsp = sh("openssl ocsp -issuer issuing.pem -cert gone.pem -CAfile chain.pem -url http://127.0.0.1:" + httpPort + CaHttpPaths.OCSP);
            assertTrue(ocsp.contains("gone.pem: revoked") && ocsp.contains("Response verify OK"), ocsp);

            String copied = sh("openssl crl -in mosquitto/issuing.crl.pem -noout -text");
            assertTrue(copied.contains("Serial Number: " + gone), copied);
        } finally {
            ManagerProcess.stop(manager);
        }

        // revoked while no manager serves: the command publishes files, the next start serves it
        String keep = serialOf("keep.pem");
        manager("ca", "revoke", "-c", config.toString(), keep, "--reason", "superseded");
        manager = startManager("second");
        try {
            ports("second");
            sh("curl -sS --fail -o restarted.crl http://127.0.0.1:" + httpPort + CaHttpPaths.CRL_ISSUING);
            String crl = sh("openssl crl -inform DER -in restarted.crl -noout -text");
            assertTrue(crl.contains("Serial Number: " + keep) && crl.contains("Serial Number: " + serialOf("gone.pem")), crl);
        } finally {
            ManagerProcess.stop(manager);
        }
    }

    private Process startManager(String name) throws Exception {
        Process p = ManagerProcess.start(dir, dir.resolve(name + ".out"), dir.resolve(name + ".err"), "run", "-c", config.toString());
        Poll.until("manager run (" + name + ") serves the CA", 120_000, () -> {
            if (!p.isAlive()) {
                throw new AssertionError("manager run ended with " + p.exitValue() + ": " + read(name + ".err"));
            }
            return PORTS.matcher(read(name + ".out")).find();
        });
        return p;
    }

    private Matcher ports(String name) {
        Matcher m = PORTS.matcher(read(name + ".out"));
        assertTrue(m.find());
        return m;
    }

    /** A box's key and CSR made by openssl, enrolled with curl and the token of 'manager ca token'. */
    private void enrol(String est, String name, String domain) throws Exception {
        ManagerProcess.Result t = manager("ca", "token", "-c", config.toString(), "--unit", "130602-001", "--domain", domain);
        String token = t.stdout().lines().filter(l -> l.startsWith("token: ")).findFirst().orElseThrow().substring(7);
        sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name + ".key -subj /CN=130602-001"
                + " -outform DER -out " + name + ".der && base64 " + name + ".der > " + name + ".b64"
                + " && curl -sS --fail --cacert root.pem --data-binary @" + name + ".b64 -H 'Content-Type: application/pkcs10'"
                + " -H 'Authorization: Bearer " + token + "' " + est + "/simpleenroll"
                + " | base64 -d | openssl pkcs7 -inform DER -print_certs -out " + name + ".pem");
        sh("openssl x509 -in chain.pem -out issuing.pem"); // the first certificate of chain.pem: the issuing CA
    }

    /** simplereenroll with the current certificate {@code from} as TLS client certificate: a new key and certificate {@code to}. */
    private void renew(String est, String from, String to) throws Exception {
        String subject = "/C=CN/O=" + CaSettings.DEFAULT_ORGANISATION + "/OU=130602/CN=130602-001";
        sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + to + ".key -subj '" + subject + "'"
                + " -outform DER -out " + to + ".der && base64 " + to + ".der > " + to + ".b64"
                + " && curl -sS --fail --cacert root.pem --cert " + from + ".pem --key " + from + ".key --data-binary @" + to + ".b64"
                + " -H 'Content-Type: application/pkcs10' " + est + "/simplereenroll"
                + " | base64 -d | openssl pkcs7 -inform DER -print_certs -out " + to + ".pem");
    }

    /** The issuing CA's CRL as the manager serves it now, as text ("" while it cannot be fetched). */
    private String servedCrl(String file, int httpPort) {
        try {
            return sh("curl -sS --fail -o " + file + " http://127.0.0.1:" + httpPort + CaHttpPaths.CRL_ISSUING
                    + " && openssl crl -inform DER -in " + file + " -noout -text");
        } catch (Exception | AssertionError notYet) {
            return "";
        }
    }

    private String serialOf(String pem) throws Exception {
        return sh("openssl x509 -in " + pem + " -noout -serial").strip().substring("serial=".length());
    }

    private ManagerProcess.Result manager(String... args) throws Exception {
        ManagerProcess.Result r = ManagerProcess.run(dir, args);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    private String sh(String script) throws Exception {
        return Commands.run(dir, "bash", "-c", script).expectOk().output();
    }

    private String read(String file) {
        try {
            Path p = dir.resolve(file);
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
