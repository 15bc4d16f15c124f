package cn.egov.manager.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.rules.unit.UnitCode;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EST, CRL and OCSP endpoints against real clients: curl and openssl, never our own client.
 * One CA and server for the class (creating a CA costs seconds of key-store PBKDF2); every test
 * uses its own tokens and units' certificates.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EstServerTest {

    static final char[] PASS = "est test passphrase".toCharArray();
    static final UnitCode UNIT = UnitCode.parse("130602-001");
    /** The name the address plan gives UNIT. */
    static final String DOMAIN = "jyj.jingxiu.gov.cn";

    @TempDir
    static Path dir;
    ProvincialCa ca;
    CrlPublisher crls;
    CaHttpServer server;
    String est;
    String http;

    @BeforeAll
    void start() throws Exception {
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        Path caDir = dir.resolve("ca");
        ca = ProvincialCa.create(caDir, PASS, CaSettings.defaults("http://127.0.0.1:" + httpPort), HebeiPlan.names());
        crls = new CrlPublisher(ca, caDir.resolve("crl"));
        crls.start();
        KeyStore tls = EstTlsIdentity.loadOrIssue(ca, caDir, PASS, List.of("localhost"), List.of("127.0.0.1"));
        server = CaHttpServer.start(ca, crls, tls, PASS, "127.0.0.1", 0, httpPort, 64);
        est = "https://127.0.0.1:" + server.httpsPort() + CaHttpPaths.EST;
        http = "http://127.0.0.1:" + server.httpPort();
        PemFiles.write(dir.resolve("root.pem"), ca.rootCertificate());
        PemFiles.write(dir.resolve("issuing.pem"), ca.issuingCertificate());
        PemFiles.write(dir.resolve("chain.pem"), ca.rootCertificate(), ca.issuingCertificate());
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        crls.close();
        ca.close();
    }

    @Test
    void cacertsReturnsTheProvincialChainToCurl() throws Exception {
        String out = sh("curl -sS --fail --cacert root.pem " + est + "/cacerts | base64 -d | openssl pkcs7 -inform DER -print_certs -noout")
                .expectOk().output();
        assertTrue(out.contains("Issuing CA") && out.contains("Root CA"), out);
    }

    @Test
    void simpleenrollWithCurlAndOpensslSucceedsOnceThenTheTokenIsRefused() throws Exception {
        EnrolmentToken token = ca.newToken(UNIT, DOMAIN, Duration.ofHours(1));
        csr("box", "/CN=130602-001");
        assertEquals("200", enroll(token.secret(), "box"));
        sh("base64 -d box.p7.b64 | openssl pkcs7 -inform DER -print_certs -out box.pem").expectOk();
        String verify = sh("openssl verify -CAfile root.pem -untrusted issuing.pem box.pem").expectOk().output();
        assertTrue(verify.contains("box.pem: OK"), verify);
        String text = sh("openssl x509 -in box.pem -noout -text").expectOk().output();
        assertTrue(text.contains("URI:urn:egov:unit:130602-001") && text.contains("DNS:jyj.jingxiu.gov.cn"), text);
        // the certificate is for the key made by openssl, which never left this directory
        assertEquals(sh("openssl x509 -in box.pem -pubkey -noout").output(), sh("openssl pkey -in box.key -pubout").output());

        String before = ca.databaseDump();
        csr("again", "/CN=130602-001");
        assertEquals("401", enroll(token.secret(), "again"));
        assertTrue(Files.readString(dir.resolve("again.p7.b64")).contains("already used"));
        assertEquals(before, ca.databaseDump(), "replayed token leaves the register unchanged");
    }

    @Test
    void httpBasicCarriesTheTokenAsPasswordPerRfc7030() throws Exception {
        EnrolmentToken token = ca.newToken(UnitCode.parse("130602-002"), null, Duration.ofHours(1));
        csr("basic", "/CN=130602-002");
        String status = sh("curl -sS -o basic.p7.b64 -w '%{http_code}' --cacert root.pem --data-binary @basic.b64"
                + " -H 'Content-Type: application/pkcs10' -u 130602-002:" + token.secret() + " " + est + "/simpleenroll").expectOk().output().trim();
        assertEquals("200", status, Files.readString(dir.resolve("basic.p7.b64")));
        sh("base64 -d basic.p7.b64 | openssl pkcs7 -inform DER -print_certs -out basic.pem").expectOk();
        // RFC 6960 Appendix A: OCSP by GET with the base64 request in the path
        sh("openssl ocsp -issuer issuing.pem -cert basic.pem -reqout get.req -no_nonce").expectOk();
        String b64 = sh("base64 -w0 get.req | sed 's#/#%2F#g; s#+#%2B#g; s#=#%3D#g'").expectOk().output().trim();
        sh("curl -sS --fail -o get.resp " + http + CaHttpPaths.OCSP + "/" + b64).expectOk();
        String resp = sh("openssl ocsp -respin get.resp -issuer issuing.pem -cert basic.pem -CAfile chain.pem").expectOk().output();
        assertTrue(resp.contains("basic.pem: good") && resp.contains("Response verify OK"), resp);
    }

    @Test
    void neitherListenerNamesTheServerOrItsVersion() throws Exception {
        for (String url : new String[] {est + "/cacerts", est + "/nothing-here", http + "/nothing-here", http + "/"}) {
            String answer = sh("curl -sS -i --cacert root.pem '" + url + "'").expectOk().output();
            assertTrue(!answer.toLowerCase(java.util.Locale.ROOT).contains("jetty")
                    && !answer.toLowerCase(java.util.Locale.ROOT).contains("\nserver:"), url + "\n" + answer);
        }
        String notFound = sh("curl -sS -i " + http + "/nothing-here").expectOk().output();
        assertTrue(notFound.startsWith("HTTP/1.1 404") && notFound.contains("{\"error\":\"404 Not Found\"}")
                && notFound.contains("X-Content-Type-Options: nosniff"), notFound);
    }

    @Test
    void expiredTokenIsRefusedAndChangesNothing() throws Exception {
        EnrolmentToken token = ca.newToken(UNIT, null, Duration.ofMillis(1));
        Thread.sleep(20);
        csr("box", "/CN=130602-001");
        String before = ca.databaseDump();
        assertEquals("401", enroll(token.secret(), "box"));
        assertTrue(Files.readString(dir.resolve("box.p7.b64")).contains("expired"));
        assertEquals(before, ca.databaseDump());
    }

    @Test
    void badCsrsAreRefusedWithAClearErrorAndTheTokenSurvives() throws Exception {
        EnrolmentToken token = ca.newToken(UNIT, DOMAIN, Duration.ofHours(1));
        String before = ca.databaseDump();

        csr("other", "/CN=130602-002");
        assertEquals("403", enroll(token.secret(), "other"));
        assertTrue(Files.readString(dir.resolve("other.p7.b64")).contains("does not match the unit 130602-001"));

        sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout san.key -subj /CN=130602-001"
                + " -addext subjectAltName=URI:urn:egov:unit:130602-999 -outform DER -out san.der && base64 san.der > san.b64").expectOk();
        assertEquals("403", enroll(token.secret(), "san"));
        assertTrue(Files.readString(dir.resolve("san.p7.b64")).contains("urn:egov:unit:130602-999"));

        sh("openssl req -new -newkey rsa:2048 -nodes -keyout rsa.key -subj /CN=130602-001 -outform DER -out rsa.der && base64 rsa.der > rsa.b64").expectOk();
        assertEquals("400", enroll(token.secret(), "rsa"));
        assertTrue(Files.readString(dir.resolve("rsa.p7.b64")).contains("P-256"));

        Files.writeString(dir.resolve("junk.b64"), "bm90IGEgY3NyIGF0IGFsbA==\n");
        assertEquals("400", enroll(token.secret(), "junk"));
        assertTrue(Files.readString(dir.resolve("junk.p7.b64")).contains("not a DER-encoded PKCS#10"));

        Files.write(dir.resolve("huge.b64"), new byte[40_000]);
        assertEquals("413", enroll(token.secret(), "huge"));

        assertEquals("401", enroll("not-a-token", "other"));
        assertEquals(before, ca.databaseDump(), "refused requests leave the register unchanged");

        csr("box", "/CN=130602-001");
        assertEquals("200", enroll(token.secret(), "box"), "the token was not used up by refused requests");
    }

    @Test
    void ocspSaysGoodThenRevokedAndTheHttpCrlListsTheRevocation() throws Exception {
        EnrolmentToken token = ca.newToken(UNIT, null, Duration.ofHours(1));
        csr("box", "/CN=130602-001");
        assertEquals("200", enroll(token.secret(), "box"));
        sh("base64 -d box.p7.b64 | openssl pkcs7 -inform DER -print_certs -out box.pem").expectOk();
        String ocsp = "openssl ocsp -issuer issuing.pem -cert box.pem -CAfile chain.pem -url " + http + CaHttpPaths.OCSP;
        String good = sh(ocsp).expectOk().output();
        assertTrue(good.contains("box.pem: good") && good.contains("Response verify OK"), good);

        ca.revoke(serialOf("box.pem"), RevocationReason.keyCompromise);
        String revoked = sh(ocsp).expectOk().output();
        assertTrue(revoked.contains("box.pem: revoked") && revoked.contains("Response verify OK"), revoked);

        crls.publishNow();
        sh("curl -sS --fail -o issuing.crl " + http + CaHttpPaths.CRL_ISSUING).expectOk();
        Commands.Result v = sh("openssl verify -crl_check -CAfile chain.pem -CRLfile issuing.crl box.pem");
        assertNotEquals(0, v.exit());
        assertTrue(v.output().contains("certificate revoked"), v.output());
    }

    @Test
    void simplereenrollAuthenticatesWithTheCurrentCertificateAndRefusesRevokedOnes() throws Exception {
        EnrolmentToken token = ca.newToken(UNIT, DOMAIN, Duration.ofHours(1));
        csr("box", "/CN=130602-001");
        assertEquals("200", enroll(token.secret(), "box"));
        sh("base64 -d box.p7.b64 | openssl pkcs7 -inform DER -print_certs -out box.pem").expectOk();

        String subject = "/C=CN/O=" + CaSettings.DEFAULT_ORGANISATION + "/OU=130602/CN=130602-001";
        sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout new.key -subj '" + subject
                + "' -outform DER -out new.der && base64 new.der > new.b64").expectOk();
        assertEquals("200", reenroll("box", "new"));
        sh("base64 -d new.p7.b64 | openssl pkcs7 -inform DER -print_certs -out new.pem").expectOk();
        assertTrue(sh("openssl x509 -in new.pem -noout -ext subjectAltName").output().contains("DNS:jyj.jingxiu.gov.cn"));
        sh("openssl verify -CAfile root.pem -untrusted issuing.pem new.pem").expectOk();

        // without a client certificate: refused
        assertEquals("401", sh("curl -sS -o none.out -w '%{http_code}' --cacert root.pem --data-binary @new.b64"
                + " -H 'Content-Type: application/pkcs10' " + est + "/simplereenroll").output().trim());

        ca.revoke(serialOf("box.pem"), RevocationReason.keyCompromise);
        String before = ca.databaseDump();
        assertEquals("403", reenroll("box", "new"));
        assertTrue(Files.readString(dir.resolve("new.p7.b64")).contains("revoked"));
        assertEquals(before, ca.databaseDump());
    }

    @Test
    void issuedCertificatesCarryOnlyThePlansNamesAndServerAuthOnlyWithThem() throws Exception {
        EnrolmentToken named = ca.newToken(UNIT, DOMAIN, Duration.ofHours(1));
        csr("named", "/CN=130602-001");
        assertEquals("200", enroll(named.secret(), "named"));
        sh("base64 -d named.p7.b64 | openssl pkcs7 -inform DER -print_certs -out named.pem").expectOk();
        String san = sh("openssl x509 -in named.pem -noout -ext subjectAltName").expectOk().output();
        assertEquals("DNS:jyj.jingxiu.gov.cn, URI:urn:egov:unit:130602-001", san.lines().skip(1).findFirst().orElseThrow().strip(), san);
        assertTrue(sh("openssl x509 -in named.pem -noout -ext extendedKeyUsage").output().contains("TLS Web Server Authentication"));
        sh("openssl verify -purpose sslserver -verify_hostname jyj.jingxiu.gov.cn -CAfile root.pem -untrusted issuing.pem named.pem").expectOk();
        Commands.Result other = sh("openssl verify -purpose sslserver -verify_hostname www.gov.cn -CAfile root.pem -untrusted issuing.pem named.pem");
        assertNotEquals(0, other.exit(), other.output());
        assertTrue(other.output().contains("hostname mismatch"), other.output());

        EnrolmentToken bare = ca.newToken(UNIT, null, Duration.ofHours(1));
        csr("bare", "/CN=130602-001");
        assertEquals("200", enroll(bare.secret(), "bare"));
        sh("base64 -d bare.p7.b64 | openssl pkcs7 -inform DER -print_certs -out bare.pem").expectOk();
        String eku = sh("openssl x509 -in bare.pem -noout -ext extendedKeyUsage,subjectAltName").expectOk().output();
        assertTrue(eku.contains("TLS Web Client Authentication") && !eku.contains("Server") && !eku.contains("DNS:"), eku);
        sh("openssl verify -purpose sslclient -CAfile root.pem -untrusted issuing.pem bare.pem").expectOk();
        Commands.Result server = sh("openssl verify -purpose sslserver -CAfile root.pem -untrusted issuing.pem bare.pem");
        assertNotEquals(0, server.exit(), server.output());
        assertTrue(server.output().contains("unsuitable certificate purpose"), server.output());
    }

    @Test
    void anythingButApplicationPkcs10IsRefusedWith415AndTheTokenSurvives() throws Exception {
        EnrolmentToken token = ca.newToken(UNIT, null, Duration.ofHours(1));
        csr("typed", "/CN=130602-001");
        String before = ca.databaseDump();
        for (String header : List.of("-H 'Content-Type: text/plain'", "-H 'Content-Type: application/octet-stream'", "-H 'Content-Type:'")) {
            String status = sh("curl -sS -o typed.p7.b64 -w '%{http_code}' --cacert root.pem --data-binary @typed.b64 " + header
                    + " -H 'Authorization: Bearer " + token.secret() + "' " + est + "/simpleenroll").expectOk().output().trim();
            String body = Files.readString(dir.resolve("typed.p7.b64"));
            assertEquals("415", status, header + ": " + body);
            assertTrue(body.contains("Content-Type must be application/pkcs10"), body);
        }
        assertEquals("415", sh("curl -sS -o re.out -w '%{http_code}' --cacert root.pem --data-binary @typed.b64 -H 'Content-Type: text/plain' "
                + est + "/simplereenroll").expectOk().output().trim());
        assertEquals(before, ca.databaseDump(), "refused requests leave the register unchanged");
        assertEquals("200", enroll(token.secret(), "typed"), "the token was not used up");
    }

    @Test
    void bodiesThatAreNotUsableCsrsAreAnsweredWithWhatIsWrong() throws Exception {
        EnrolmentToken token = ca.newToken(UNIT, null, Duration.ofHours(1));
        String before = ca.databaseDump();

        Files.writeString(dir.resolve("prose.b64"), "this is a CSR, honestly!\n");
        assertEquals("400", enroll(token.secret(), "prose"));
        String prose = Files.readString(dir.resolve("prose.p7.b64"));
        assertTrue(prose.contains("neither DER nor base64") && prose.contains("','"), prose);

        Files.writeString(dir.resolve("empty.b64"), "");
        assertEquals("400", enroll(token.secret(), "empty"));
        assertTrue(Files.readString(dir.resolve("empty.p7.b64")).contains("request body is empty"));

        csr("twocn", "/CN=130602-001/CN=130602-001");
        assertEquals("400", enroll(token.secret(), "twocn"));
        String twoCn = Files.readString(dir.resolve("twocn.p7.b64"));
        assertTrue(twoCn.contains("CSR subject has 2 CN attributes") && !twoCn.contains("null"), twoCn);

        csr("nocn", "/O=no-unit");
        assertEquals("400", enroll(token.secret(), "nocn"));
        assertTrue(Files.readString(dir.resolve("nocn.p7.b64")).contains("CSR subject has no CN"));

        assertEquals(before, ca.databaseDump(), "refused requests leave the register unchanged");
    }

    @Test
    void aTokenRowFromAnOlderVersionCannotSmuggleANameThePlanDoesNotGive() throws Exception {
        // rows as a version without the plan check wrote them: the CA's own register, written directly
        Instant now = Instant.now();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ca").resolve(CaDatabase.FILE));
             PreparedStatement p = c.prepareStatement("INSERT INTO token(hash, unit, domain, created_at, expires_at) VALUES (?,?,?,?,?)")) {
            for (String[] row : List.of(new String[]{"old-wildcard", "130602-001", "*.gov.cn"},
                    new String[]{"old-other-unit", "130602-001", "slj.bd.gov.cn"},
                    new String[]{"old-absent-unit", "130602-009", null})) {
                p.setString(1, ProvincialCa.hash(row[0]));
                p.setString(2, row[1]);
                p.setString(3, row[2]);
                p.setLong(4, now.toEpochMilli());
                p.setLong(5, now.plus(Duration.ofHours(1)).toEpochMilli());
                p.executeUpdate();
            }
        }
        String before = ca.databaseDump();
        csr("old", "/CN=130602-001");
        assertEquals("403", enroll("old-wildcard", "old"));
        assertTrue(Files.readString(dir.resolve("old.p7.b64")).contains("is a wildcard"));
        assertEquals("403", enroll("old-other-unit", "old"));
        assertTrue(Files.readString(dir.resolve("old.p7.b64")).contains("belongs to 130600-012"));
        csr("absent", "/CN=130602-009");
        assertEquals("403", enroll("old-absent-unit", "absent"));
        assertTrue(Files.readString(dir.resolve("absent.p7.b64")).contains("130602-009 is not in the address plan"));
        assertEquals(before, ca.databaseDump(), "nothing issued, no token used");
    }

    private void csr(String name, String subject) throws Exception {
        sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name + ".key -subj " + subject
                + " -outform DER -out " + name + ".der && base64 " + name + ".der > " + name + ".b64").expectOk();
    }

    /** POSTs NAME.b64 with curl; the answer goes to NAME.p7.b64; returns the HTTP status. */
    private String post(String token, String name) throws Exception {
        return sh("curl -sS -o " + name + ".p7.b64 -w '%{http_code}' --cacert root.pem --data-binary @" + name + ".b64"
                + " -H 'Content-Type: application/pkcs10' -H 'Content-Transfer-Encoding: base64'"
                + " -H 'Authorization: Bearer " + token + "' " + est + "/simpleenroll").expectOk().output().trim();
    }

    private String enroll(String token, String name) throws Exception {
        String status = post(token, name);
        System.out.println("simpleenroll " + name + " -> " + status + " " + Files.readString(dir.resolve(name + ".p7.b64")));
        return status;
    }

    private String reenroll(String current, String name) throws Exception {
        return sh("curl -sS -o " + name + ".p7.b64 -w '%{http_code}' --cacert root.pem --cert " + current + ".pem --key "
                + current + ".key --data-binary @" + name + ".b64 -H 'Content-Type: application/pkcs10' " + est
                + "/simplereenroll").expectOk().output().trim();
    }

    private java.math.BigInteger serialOf(String pem) throws Exception {
        return new java.math.BigInteger(sh("openssl x509 -in " + pem + " -noout -serial").expectOk().output().trim()
                .substring("serial=".length()), 16);
    }

    private Commands.Result sh(String script) throws Exception {
        return Commands.run(dir, "bash", "-c", script);
    }
}
