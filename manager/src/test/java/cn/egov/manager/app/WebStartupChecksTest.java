package cn.egov.manager.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.EstTlsIdentity;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigException;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.support.ManagerFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up refuses weak or shared API tokens, a configuration file with secrets that others can
 * read, and a web server reachable from other machines without TLS; each with one line naming the
 * key. With {@code web.tls = ca} the web server speaks HTTPS with a certificate of the provincial CA.
 */
class WebStartupChecksTest {

    @TempDir
    Path dir;

    private ConfigException refused(ManagerConfig config) {
        ConfigException e = assertThrows(ConfigException.class, () -> ManagerAssembly.start(config, ManagerAssembly.Options.defaults()).close());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void aShortTokenStopsStartUp() {
        ConfigException e = refused(ManagerFixture.config(dir).with(ConfigKey.AUTH_NOC_TOKEN, "a"));
        assertEquals("test: auth.noc.token is 1 characters; an API token needs at least 16 (e.g. 'openssl rand -hex 16')",
                e.getMessage().replace(ManagerConfig.defaults().source(), "test"));
        assertTrue(Files.notExists(dir.resolve("manager.db")), "nothing started, not even the store");
    }

    @Test
    void aTokenSharedByTwoRolesStopsStartUp() {
        String same = "the-same-token-for-both";
        ConfigException e = refused(ManagerFixture.config(dir).with(ConfigKey.AUTH_NOC_TOKEN, same).with(ConfigKey.AUTH_AUDITOR_TOKEN, same));
        assertTrue(e.getMessage().endsWith("auth.auditor.token is the same as auth.noc.token; each role needs its own token"), e.getMessage());
    }

    @Test
    void aWebServerOtherMachinesCanReachNeedsTls() {
        for (String bind : new String[]{"0.0.0.0", "::", "192.0.2.10"}) {
            ConfigException e = refused(ManagerFixture.config(dir).with(ConfigKey.WEB_BIND, bind));
            assertTrue(e.getMessage().contains("web.bind = " + bind + " is reachable from other machines but web.tls = off"), e.getMessage());
        }
        ConfigException noCa = refused(ManagerFixture.config(dir).with(ConfigKey.WEB_TLS, "ca"));
        assertTrue(noCa.getMessage().endsWith("web.tls = ca needs the provincial CA (set ca.passphrase-file)"), noCa.getMessage());
    }

    @Test
    void aConfigurationFileWithSecretsMustBePrivate() throws Exception {
        Path file = dir.resolve("manager.properties");
        Files.writeString(file, "data.dir = " + dir.resolve("data") + "\nbroker.port = 0\nweb.port = 0\nauth.noc.token = "
                + ManagerFixture.NOC_TOKEN + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        ConfigException e = refused(ManagerConfig.load(file));
        assertEquals(file + " holds secrets (auth.noc.token) and is readable by group or others; chmod 600 it", e.getMessage());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        ManagerAssembly.start(ManagerConfig.load(file), ManagerAssembly.Options.defaults()).close();
    }

    @Test
    void aBrowserMayUseEveryNameAndAddressOfTheCertificateTheReachableOnesFirst() {
        // a county without DNS: the certificate's address is what people type; a browser sends it as Origin
        assertEquals("https://10.255.253.2:8443,https://localhost:8443",
                WebPart.certificateOrigins(List.of("localhost"), List.of("10.255.253.2"), 8443));
        assertEquals("https://manager.hebei.gov.cn:8443,https://10.1.0.5:8443,https://[fd00::5]:8443,https://localhost:8443,"
                        + "https://127.0.0.1:8443",
                WebPart.certificateOrigins(List.of("localhost", "manager.hebei.gov.cn"), List.of("127.0.0.1", "10.1.0.5", "fd00::5"), 8443));
    }

    @Test
    void theFirstOfSeveralPublicOriginsIsTheUrlPrinted() throws Exception {
        try (ManagerAssembly m = ManagerAssembly.start(ManagerFixture.config(dir)
                .with(ConfigKey.WEB_PUBLIC_ORIGIN, "https://manager.hebei.gov.cn:8443, https://10.1.0.5:8443"), ManagerAssembly.Options.defaults())) {
            assertEquals("https://manager.hebei.gov.cn:8443", m.webUrl());
        }
    }

    @Test
    void httpsWithACertificateOfTheProvincialCa() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "web tls".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
             ManagerAssembly m = ManagerAssembly.start(ManagerFixture.config(dir.resolve("m")).with(ConfigKey.WEB_TLS, "ca"),
                     ManagerAssembly.Options.defaults().withTlsCa(ca))) {
            assertTrue(m.webUrl().startsWith("https://127.0.0.1:"), m.webUrl());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(EstTlsIdentity.trustStore(ca));
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/api/boxes"))
                    .header("Authorization", "Bearer " + ManagerFixture.NOC_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("max-age=31536000", r.headers().firstValue("Strict-Transport-Security").orElse(null));
            // the log-in form's cookie, like the session's, is bound to this host: no other host of the domain can plant it
            HttpResponse<String> form = client.send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/login")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String loginCookie = form.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(loginCookie.startsWith("__Host-egov-manager-login=") && loginCookie.contains("Secure")
                    && loginCookie.contains("Path=/") && !loginCookie.contains("Domain"), loginCookie);
            SSLSession session = r.sslSession().orElseThrow();
            X509Certificate server = (X509Certificate) session.getPeerCertificates()[0];
            assertEquals(ca.issuingCertificate().getSubjectX500Principal(), server.getIssuerX500Principal());
            // plain HTTP on the HTTPS port gets nowhere
            HttpClient plain = HttpClient.newHttpClient();
            URI http = URI.create(m.webUrl().replace("https://", "http://") + "/api/health");
            try {
                HttpResponse<String> p = plain.send(HttpRequest.newBuilder(http).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(p.statusCode() == 400 && !p.body().contains("\"UP\""), "plain HTTP answered: " + p.statusCode() + " " + p.body());
            } catch (java.io.IOException expected) {
                // the TLS connector drops a plain HTTP request
            }
        }
    }
}
