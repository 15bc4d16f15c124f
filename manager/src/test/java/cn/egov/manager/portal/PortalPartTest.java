package cn.egov.manager.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.policy.PolicyBundleException;
import cn.egov.api.policy.PolicyBundleVerifier;
import cn.egov.api.policy.PolicyFile;
import cn.egov.api.policy.PolicyManifest;
import cn.egov.api.policy.PolicyScope;
import cn.egov.api.policy.SignedPolicyBundle;
import cn.egov.api.portal.PortalSigning;
import cn.egov.api.portal.SiteNode;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigException;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.rules.unit.UnitCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager's portal part on its own: the portal-signing profile, the configuration keys, the
 * website tree, and the publishing API's refusals (each names what is wrong and signs nothing).
 */
class PortalPartTest {

    private static final char[] PASS = "portal-part-passphrase".toCharArray();
    private static final String NOC = "noc-token-0123456789";
    private static final String AUDITOR = "auditor-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    java.nio.file.Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void thePortalSignerHasItsOwnEkuAndCannotSignPolicy() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"))) {
            KeyPair k = KeyPairs.p256();
            X509Certificate c = ca.issuePortalSigning(k.getPublic(), "portal");
            assertEquals(List.of(PortalSigning.PORTAL_SIGNING_EKU), c.getExtendedKeyUsage());
            assertTrue(c.getKeyUsage()[0]);
            assertEquals(-1, c.getBasicConstraints());
            SignedPolicyBundle b = SignedPolicyBundle.sign(new PolicyManifest("p", "1", 1, Instant.now(), PolicyScope.parse("province:13"),
                    List.of(new PolicyFile("10-a.policy", "x".getBytes(StandardCharsets.UTF_8)))), k.getPrivate(), List.of(c, ca.issuingCertificate()));
            PolicyBundleException e = assertThrows(PolicyBundleException.class, () -> new PolicyBundleVerifier(List.of(ca.rootCertificate()),
                    Clock.systemUTC()).verify(b, UnitCode.parse("130602-001"), 0));
            assertEquals(PolicyBundleException.Check.SIGNER_PROFILE, e.check(), e.getMessage());
            assertThrows(java.security.GeneralSecurityException.class, () -> ca.issuePortalSigning(KeyPairs.sm2().getPublic(), "sm2"));
        }
    }

    @Test
    void configurationErrorsNameTheKey() {
        ConfigException unknown = assertThrows(ConfigException.class, () -> PortalSettings.from(config(Map.of("portal.colour", "blue"))));
        assertTrue(unknown.getMessage().contains("portal.colour"), unknown.getMessage());
        ConfigException bad = assertThrows(ConfigException.class, () -> PortalSettings.from(config(Map.of("portal.stale-days", "soon"))));
        assertTrue(bad.getMessage().contains("portal.stale-days"), bad.getMessage());
        ConfigException range = assertThrows(ConfigException.class, () -> PortalSettings.from(config(Map.of("portal.port", "70000"))));
        assertTrue(range.getMessage().contains("portal.port"), range.getMessage());
        assertEquals(PortalSettings.NO_SERVER, PortalSettings.from(config(Map.of())).port(), "no content server unless portal.port is set");
        assertEquals(8444, PortalSettings.from(config(Map.of("portal.port", "8444"))).port());
        assertTrue(PortalConfigKey.sample().contains("#portal.keep-versions = 10"));
    }

    private ManagerConfig config(Map<String, String> portal) {
        return new ManagerConfig("manager.properties", Map.of(ConfigKey.DATA_DIR, dir.toString()), portal);
    }

    @Test
    void theTreeHangsEachSiteUnderItsNearestAncestorsSite() {
        List<SiteNode> tree = SiteTree.nodes(List.of(site("jyj.jingxiu.gov.cn", "130602-001"), site("www.bd.gov.cn", "1306"),
                site("slj.bd.gov.cn", "130600-012"), site("www.hebei.gov.cn", "13"), site("fgw.hebei.gov.cn", "130000-001"),
                site("gaj.zhuozhou.gov.cn", "130681-003")));
        Map<String, String> parent = new java.util.TreeMap<>();
        tree.forEach(n -> parent.put(n.site(), n.parent()));
        assertEquals("www.bd.gov.cn", parent.get("jyj.jingxiu.gov.cn"), "no county portal registered: the city's");
        assertEquals("www.bd.gov.cn", parent.get("slj.bd.gov.cn"));
        assertEquals("www.hebei.gov.cn", parent.get("www.bd.gov.cn"));
        assertEquals("www.hebei.gov.cn", parent.get("fgw.hebei.gov.cn"));
        assertEquals("www.bd.gov.cn", parent.get("gaj.zhuozhou.gov.cn"));
        assertEquals("", parent.get("www.hebei.gov.cn"));
    }

    private static PortalStore.Site site(String name, String owner) {
        return new PortalStore.Site(name, owner, SiteNode.defaultMirrors(owner), "'self'");
    }

    @Test
    void thePublishingApiRefusesBadInputAndSignsNothing() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
             ManagerAssembly m = ManagerAssembly.start(new ManagerConfig("test", Map.of(ConfigKey.DATA_DIR, dir.resolve("m").toString(),
                     ConfigKey.BROKER_PORT, "0", ConfigKey.WEB_PORT, "0", ConfigKey.AUTH_NOC_TOKEN, NOC, ConfigKey.AUTH_AUDITOR_TOKEN, AUDITOR),
                     Map.of("portal.port", "0", "portal.max-file-bytes", "1000")), ManagerAssembly.Options.defaults().withTlsCa(ca))) {
            byte[] page = "<html><body>hello</body></html>".getBytes(StandardCharsets.UTF_8);
            String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(page));
            String listing = "{\"owner\":\"1306\",\"files\":[{\"path\":\"index.html\",\"sha256\":\"" + sha + "\",\"size\":" + page.length
                    + ",\"type\":\"text/html; charset=utf-8\",\"modified\":1764000000}]}";
            String path = "/api/portal/sites/www.bd.gov.cn/snapshots";

            assertEquals(403, post(m, AUDITOR, path, listing).statusCode());
            HttpResponse<String> missing = post(m, NOC, path, listing);
            assertEquals(409, missing.statusCode(), missing.body());
            assertEquals(sha, JSON.readTree(missing.body()).path("missing").get(0).asText());

            String wrong = "{\"blobs\":[{\"sha256\":\"" + sha + "\",\"content\":\"" + Base64.getEncoder().encodeToString("other".getBytes()) + "\"}]}";
            HttpResponse<String> mismatch = post(m, NOC, "/api/portal/blobs", wrong);
            assertEquals(400, mismatch.statusCode());
            assertTrue(mismatch.body().contains("has SHA-256"), mismatch.body());
            String big = Base64.getEncoder().encodeToString(new byte[1001]);
            String bigSha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(new byte[1001]));
            assertEquals(400, post(m, NOC, "/api/portal/blobs", "{\"blobs\":[{\"sha256\":\"" + bigSha + "\",\"content\":\"" + big + "\"}]}")
                    .statusCode(), "over portal.max-file-bytes");
            HttpResponse<String> stored = post(m, NOC, "/api/portal/blobs",
                    "{\"blobs\":[{\"sha256\":\"" + sha + "\",\"content\":\"" + Base64.getEncoder().encodeToString(page) + "\"}]}");
            assertEquals(1, JSON.readTree(stored.body()).path("stored").asInt(), stored.body());

            assertEquals(400, post(m, NOC, path, listing.replace("\"owner\":\"1306\",", "")).statusCode(), "a new site needs its owner");
            HttpResponse<String> escape = post(m, NOC, path, listing.replace("index.html", "../index.html"));
            assertEquals(400, escape.statusCode());
            assertTrue(escape.body().contains("files[0]") && escape.body().contains(".."), escape.body());
            assertEquals(400, post(m, NOC, path, listing.replace("\"size\":" + page.length, "\"size\":3")).statusCode(), "size differs from the content");
            assertEquals(400, post(m, NOC, "/api/portal/sites/WWW..bd/snapshots", listing).statusCode());
            // owners that are no division of the province, or a unit no plan declares (this manager has none: the province's divisions)
            for (String owner : List.of("99", "9999", "999999", "1399", "139999-001", "440305")) {
                HttpResponse<String> foreign = post(m, NOC, path, listing.replace("\"owner\":\"1306\"", "\"owner\":\"" + owner + "\""));
                assertEquals(400, foreign.statusCode(), owner + ": " + foreign.body());
                assertTrue(foreign.body().contains("owner " + owner), foreign.body());
            }
            HttpResponse<String> noHome = post(m, NOC, path, listing.replace("index.html", "about.html"));
            assertEquals(400, noHome.statusCode(), noHome.body());
            assertTrue(noHome.body().contains("no index.html"), noHome.body());
            HttpResponse<String> broken = post(m, NOC, path, "{\"files\":[{");
            assertEquals(400, broken.statusCode());
            assertTrue(broken.body().contains("(line 1, column") && !broken.body().contains("REDACTED"), "one short line: " + broken.body());
            JsonNode none = JSON.readTree(get(m, "/api/portal/sites").body());
            assertEquals(0, none.path("sites").size(), "nothing signed, no site registered: " + none);

            HttpResponse<String> ok = post(m, NOC, path, listing);
            assertEquals(201, ok.statusCode(), ok.body());
            assertEquals(1, JSON.readTree(ok.body()).path("version").asLong());
            assertEquals(400, post(m, NOC, path, listing.replace("\"owner\":\"1306\"", "\"owner\":\"1301\"")).statusCode(),
                    "a site keeps its owner");
            JsonNode sites = JSON.readTree(get(m, "/api/portal/sites").body()).path("sites");
            assertEquals("city", sites.get(0).path("level").asText());
            assertEquals("city:1306", sites.get(0).path("mirrors").asText());
        }
    }

    /** A site folder that is a git checkout: the repository is not published, .well-known is. */
    /** What boxes report is text: markup in a refusal's reason or a notice's title is shown as written on {@code /portal}, never run. */
    @Test
    void markupReportedByABoxIsShownEscapedOnThePage() throws Exception {
        String markup = "<img src=x onerror=alert(1)>";
        String escaped = "&lt;img src=x onerror=alert(1)&gt;";
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
             ManagerAssembly m = ManagerAssembly.start(new ManagerConfig("test", Map.of(ConfigKey.DATA_DIR, dir.resolve("m").toString(),
                     ConfigKey.BROKER_PORT, "0", ConfigKey.WEB_PORT, "0", ConfigKey.AUTH_NOC_TOKEN, NOC, ConfigKey.AUTH_AUDITOR_TOKEN, AUDITOR),
                     Map.of("portal.port", "0")), ManagerAssembly.Options.defaults().withTlsCa(ca))) {
            PortalStore store = new PortalStore(m.database());
            long now = System.currentTimeMillis();
            store.mirror(new PortalStore.Mirror("130602-001", "www.bd.gov.cn", 1, "REJECTED", "check " + markup, "reason " + markup, 2, now));
            store.addNotice(new PortalStore.Notice("notice-1", "130602-001", "www.bd.gov.cn", "title " + markup, "body", now, now, "OPEN",
                    null, 0), "envelope".getBytes(StandardCharsets.US_ASCII));
            HttpResponse<String> page = get(m, "/portal");
            assertEquals(200, page.statusCode(), page.body());
            for (String shown : List.of("check " + escaped, "reason " + escaped, "title " + escaped)) {
                assertTrue(page.body().contains(shown), shown + " in " + page.body());
            }
            assertFalse(page.body().contains(markup), "no markup from a box reaches the page as markup: " + page.body());
        }
    }

    @Test
    void theListingSkipsVersionControlFolders() throws Exception {
        java.nio.file.Path site = Files.createDirectories(dir.resolve("checkout"));
        Files.writeString(site.resolve("index.html"), "<html></html>");
        Files.createDirectories(site.resolve(".git/objects"));
        Files.writeString(site.resolve(".git/config"), "[remote \"origin\"]\n\turl = https://user:secret@git.example/site.git\n");
        Files.writeString(site.resolve(".git/objects/ab"), "x");
        Files.createDirectories(site.resolve("news/.svn"));
        Files.writeString(site.resolve("news/.svn/entries"), "x");
        Files.writeString(site.resolve("news/1.html"), "<html></html>");
        Files.createDirectories(site.resolve(".well-known"));
        Files.writeString(site.resolve(".well-known/security.txt"), "Contact: mailto:noc@hebei.gov.cn\n");
        assertEquals(java.util.Set.of("index.html", "news/1.html", ".well-known/security.txt"), PortalCommand.listing(site).keySet());
    }

    private HttpResponse<String> post(ManagerAssembly m, String token, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(ManagerAssembly m, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + path)).header("Authorization", "Bearer " + AUDITOR).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
