package cn.egov.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.portal.SiteNode;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.ca.RevocationReason;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.portal.PortalCommand;
import cn.egov.manager.store.AlarmStore;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.TlsContexts;
import cn.egov.portal.mirror.HttpsManagerClient;
import cn.egov.portal.mirror.SignerRevocation;
import cn.egov.portal.mirror.SnapshotSync;
import cn.egov.portal.serve.PortalServer;
import cn.egov.rules.unit.UnitCode;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.mqtt.MqttSettings;
import cn.egov.telemetry.outbox.OutboxSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The box's mirror against the real manager in one JVM (loopback): the NOC publishes with
 * {@code manager portal publish}; the manager signs with its portal-signing certificate and tells
 * the box over MQTT (retained index); the box fetches over mutual TLS with its certificate, only
 * what changed, and serves it; its probe and its emergency notice reach the manager, the NOC folds
 * the notice into the next version. A box gets nothing of a site its unit does not mirror, and
 * nothing at all once its certificate is revoked.
 */
class PortalWithManagerTest {

    private static final char[] PASS = "portal-e2e-passphrase".toCharArray();
    private static final String NOC = "noc-token-0123456789";
    private static final String AUDITOR = "auditor-token-0123456789";
    private static final UnitCode UNIT = UnitCode.parse("130602-001");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ManagerAssembly manager;

    @Test
    void publishMirrorServeReportAndFold() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"))) {
            ManagerConfig config = new ManagerConfig("test", Map.of(ConfigKey.DATA_DIR, dir.resolve("manager").toString(),
                    ConfigKey.BROKER_TLS_PORT, "0", ConfigKey.WEB_PORT, "0", ConfigKey.AUTH_NOC_TOKEN, NOC, ConfigKey.AUTH_AUDITOR_TOKEN, AUDITOR),
                    Map.of("portal.port", "0", "portal.check-period-s", "1", "portal.stale-days", "20"));
            manager = ManagerAssembly.start(config, ManagerAssembly.Options.defaults().withTlsCa(ca));
            try {
                run(ca);
            } finally {
                manager.close();
            }
        }
    }

    private void run(ProvincialCa ca) throws Exception {
        JsonNode server = JSON.readTree(get(AUDITOR, "/api/portal/server").body());
        assertTrue(server.path("signing").asBoolean(), server.toString());
        URI content = URI.create("https://127.0.0.1:" + server.path("port").asInt());
        Path token = Files.writeString(dir.resolve("noc.token"), NOC);

        KeyPair boxKey = KeyPairs.p256();
        X509Certificate boxCert = ca.issueBox(boxKey.getPublic(), UNIT, "jyj.jingxiu.gov.cn");
        BoxCredentials box = new BoxCredentials(boxKey.getPrivate(), List.of(boxCert, ca.issuingCertificate()),
                List.of(ca.issuingCertificate(), ca.rootCertificate()));
        BoxIdentity identity = new BoxIdentity(UNIT, "SN-PORTAL-1", "竞秀区教育局");
        // the box on the broker's TLS listener with its certificate, as on a real box (nobody connects anonymously)
        javax.net.ssl.SSLSocketFactory boxTls = TlsContexts.of(box).getSocketFactory();
        MqttSettings mqtt = new MqttSettings(manager.brokerTlsUrl(), MqttSettings.DEFAULT_ACCOUNT, null, null,
                Duration.ofMillis(100), Duration.ofSeconds(1), MqttSettings.DEFAULT_MAX_INFLIGHT, MqttSettings.DEFAULT_KEEP_ALIVE, () -> boxTls);
        try (TelemetryRuntime telemetry = TelemetryRuntime.start(identity,
                new TelemetrySettings(mqtt, OutboxSettings.of(dir.resolve("outbox.db"), 10_000), Duration.ofMinutes(10)), "none")) {
            await("the box's BIRTH reached the manager", () -> manager.fleet().list().stream().anyMatch(b -> b.clientId().equals(UNIT.toString())));
            PortalMirror.Settings settings = new PortalMirror.Settings(content, dir.resolve("box"),
                    new SnapshotSync.Limits(1 << 20, 1 << 20, 0, 3, 4, EnumSet.allOf(SiteNode.Level.class)),
                    new PortalServer.Settings("127.0.0.1", 0, "127.0.0.1", 0, 0, 8, 4096, false),
                    Duration.ofHours(1), Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofDays(20), Duration.ofHours(1), 5, "");
            try (PortalMirror mirror = PortalMirror.start(settings, UNIT, () -> Optional.of(box), SignerRevocation.NONE, telemetry.publisher(),
                    telemetry.mqtt(), Clock.systemUTC())) {
                // --- the NOC publishes the county portal and the unit's own site with the CLI; the box hears of it over MQTT
                Path county = site("www.jingxiu.gov.cn", 1, 20);
                assertEquals(0, cli("publish", "--url", manager.webUrl(), "--token-file", token.toString(), "--site", "www.jingxiu.gov.cn",
                        "--owner", "130602", "--dir", county.toString()));
                Path own = site("jyj.jingxiu.gov.cn", 1, 5);
                Files.setLastModifiedTime(own.resolve("index.html"), FileTime.from(Instant.now().minus(Duration.ofDays(30))));
                assertEquals(0, cli("publish", "--url", manager.webUrl(), "--token-file", token.toString(), "--site", "jyj.jingxiu.gov.cn",
                        "--owner", "130602-001", "--dir", own.toString()));
                // another unit's site: published, but not for this box
                Path other = site("wjw.jingxiu.gov.cn", 1, 3);
                assertEquals(0, cli("publish", "--url", manager.webUrl(), "--token-file", token.toString(), "--site", "wjw.jingxiu.gov.cn",
                        "--owner", "130602-002", "--dir", other.toString()));
                await("both sites served (poll interval 1 h: the MQTT index did it)", () -> mirror.served().get("www.jingxiu.gov.cn") != null
                        && mirror.served().get("jyj.jingxiu.gov.cn") != null);
                assertEquals(null, mirror.served().get("wjw.jingxiu.gov.cn"));
                RawHttp.Reply page = RawHttp.get(mirror.server().httpPort(), "www.jingxiu.gov.cn", "/p7.html");
                assertEquals(200, page.status());
                assertTrue(page.text().contains("www.jingxiu.gov.cn page 7 v1"), page.text());
                // HTTPS with the box certificate
                int https = awaitValue(() -> mirror.server().httpsPort());
                Path root = dir.resolve("root.pem");
                Files.writeString(root, "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                        .encodeToString(ca.rootCertificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
                // curl as a LAN browser: the box's certificate names the unit's own site, verified against the provincial root
                String overTls = cn.egov.lab.NetLab.run("curl", "-sS", "-D", "-", "--cacert", root.toString(), "--resolve",
                        "jyj.jingxiu.gov.cn:" + https + ":127.0.0.1", "https://jyj.jingxiu.gov.cn:" + https + "/");
                assertTrue(overTls.startsWith("HTTP/1.1 200"), overTls);
                assertTrue(overTls.toLowerCase(java.util.Locale.ROOT).contains("x-snapshot-site: jyj.jingxiu.gov.cn"), overTls);

                // --- one page changes: one file is uploaded, one is fetched
                Files.writeString(county.resolve("p7.html"), "<html><body><p>www.jingxiu.gov.cn page 7 v2</p></body></html>");
                assertEquals(0, cli("publish", "--url", manager.webUrl(), "--token-file", token.toString(), "--site", "www.jingxiu.gov.cn",
                        "--dir", county.toString()));
                await("version 2 served", () -> mirror.served().get("www.jingxiu.gov.cn").version() == 2);
                assertTrue(RawHttp.get(mirror.server().httpPort(), "www.jingxiu.gov.cn", "/p7.html").text().contains("v2"));
                JsonNode mirrored = pollUnits(u -> u.path("site").asText().equals("www.jingxiu.gov.cn") && u.path("versionInForce").asLong() == 2);
                assertEquals("ACCEPTED", mirrored.path("lastOutcome").asText(), mirrored.toString());

                // --- what a box may not fetch
                HttpsManagerClient client = new HttpsManagerClient(content, TlsContexts.of(box), Duration.ofSeconds(10));
                IOException foreign = assertThrows(IOException.class, () -> client.snapshot("wjw.jingxiu.gov.cn", 1 << 20));
                assertTrue(foreign.getMessage().contains("403"), foreign.getMessage());
                String otherBlob = PortalFixture.sha(Files.readAllBytes(other.resolve("p1.html")));
                assertTrue(assertThrows(IOException.class, () -> client.blob(otherBlob).close()).getMessage().contains("403"));

                // --- the inspection probe reaches the manager; the homepage 30 days old is stale on both sides
                mirror.probeNow();
                JsonNode probed = pollUnits(u -> u.path("site").asText().equals("jyj.jingxiu.gov.cn") && u.has("probedAt"));
                assertTrue(probed.path("reachable").asBoolean(), probed.toString());
                assertTrue(probed.path("stale").asBoolean(), probed.toString());
                assertTrue(probed.path("lastModifiedAgeS").asLong() > 29L * 86400, probed.toString());
                await("the manager alarms the stale site", () -> managerAlarms().stream()
                        .anyMatch(a -> a.alarm().kind().equals(PortalMetrics.STALE_ALARM) && "jyj.jingxiu.gov.cn".equals(a.alarm().evidence().get("site"))));

                // --- an emergency notice on the unit's own site reaches the manager; the NOC folds it
                var notice = mirror.notice("jyj.jingxiu.gov.cn", "停水通知", "明日 8 时至 12 时停水。");
                JsonNode received = poll("/api/portal/notices", "notices", n -> n.path("id").asText().equals(notice.id()));
                assertEquals("OPEN", received.path("state").asText());
                HttpResponse<String> fold = post(NOC, "/api/portal/notices/" + notice.id(), "{\"action\":\"fold\"}");
                assertEquals(200, fold.statusCode(), fold.body());
                await("the folded version is served", () -> mirror.served().get("jyj.jingxiu.gov.cn").version() == 2);
                RawHttp.Reply official = RawHttp.get(mirror.server().httpPort(), "jyj.jingxiu.gov.cn", "/" + notice.path());
                assertEquals(200, official.status());
                assertEquals("2", official.header("x-snapshot-version"));
                assertTrue(official.text().contains("停水通知"));
                assertEquals(400, post(NOC, "/api/portal/notices/" + notice.id(), "{\"action\":\"withdraw\"}").statusCode(), "decided once");
                assertEquals(403, post(AUDITOR, "/api/portal/notices/" + notice.id(), "{\"action\":\"withdraw\"}").statusCode());
                assertTrue(get(NOC, "/portal").body().contains("停水通知"));

                // --- revocation takes effect at once on the content server
                ca.revoke(boxCert.getSerialNumber(), RevocationReason.keyCompromise);
                IOException revoked = assertThrows(IOException.class, client::index);
                assertTrue(revoked.getMessage().contains("403"), revoked.getMessage());
            }
        }
    }

    /**
     * The PKI bundle loads the key store a moment after the mirror starts (or the box enrols later):
     * once the certificate is there the mirror restores and asks the manager at once, not a poll
     * interval (here 1 h, no MQTT) later.
     */
    @Test
    void aBoxWhoseCertificateComesLateFetchesAtOnce() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"))) {
            ManagerConfig config = new ManagerConfig("test", Map.of(ConfigKey.DATA_DIR, dir.resolve("manager").toString(),
                    ConfigKey.WEB_PORT, "0", ConfigKey.AUTH_NOC_TOKEN, NOC, ConfigKey.AUTH_AUDITOR_TOKEN, AUDITOR), Map.of("portal.port", "0"));
            manager = ManagerAssembly.start(config, ManagerAssembly.Options.defaults().withTlsCa(ca));
            try {
                URI content = URI.create("https://127.0.0.1:" + JSON.readTree(get(AUDITOR, "/api/portal/server").body()).path("port").asInt());
                Path token = Files.writeString(dir.resolve("noc.token"), NOC);
                assertEquals(0, cli("publish", "--url", manager.webUrl(), "--token-file", token.toString(), "--site", "www.jingxiu.gov.cn",
                        "--owner", "130602", "--dir", site("www.jingxiu.gov.cn", 1, 3).toString()));
                KeyPair boxKey = KeyPairs.p256();
                BoxCredentials box = new BoxCredentials(boxKey.getPrivate(), List.of(ca.issueBox(boxKey.getPublic(), UNIT, "jyj.jingxiu.gov.cn"),
                        ca.issuingCertificate()), List.of(ca.issuingCertificate(), ca.rootCertificate()));
                java.util.concurrent.atomic.AtomicReference<Optional<BoxCredentials>> keyStore = new java.util.concurrent.atomic.AtomicReference<>(Optional.empty());
                java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
                PortalMirror.Settings settings = new PortalMirror.Settings(content, dir.resolve("late-box"),
                        new SnapshotSync.Limits(1 << 20, 1 << 20, 0, 3, 4, EnumSet.allOf(SiteNode.Level.class)),
                        new PortalServer.Settings("127.0.0.1", 0, "127.0.0.1", -1, 0, 8, 16, false),
                        Duration.ofHours(1), Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofDays(20), Duration.ofHours(1), 5, "");
                PortalFixture.Recording telemetry = new PortalFixture.Recording();
                try (PortalMirror mirror = PortalMirror.start(settings, UNIT, () -> {
                    asked.incrementAndGet();
                    return keyStore.get();
                }, SignerRevocation.NONE, telemetry, null, Clock.systemUTC())) {
                    // asked by the restore, the certificate check and the restore tried again 2 s later: the poll at start ran in between
                    await("the restore tried again", () -> asked.get() >= 3);
                    assertNull(mirror.served().get("www.jingxiu.gov.cn"), "nothing fetched without a certificate");
                    keyStore.set(Optional.of(box));
                    await("the county portal served after the certificate came (poll interval 1 h, no MQTT)",
                            () -> mirror.served().get("www.jingxiu.gov.cn") != null);
                }
            } finally {
                manager.close();
            }
        }
    }

    /** A site of {@code n} pages whose text names the site, page and version. */
    private Path site(String name, int version, int n) throws IOException {
        Path d = Files.createDirectories(dir.resolve("sites").resolve(name));
        for (int i = 1; i <= n; i++) {
            Files.writeString(d.resolve("p" + i + ".html"), "<html><body><p>" + name + " page " + i + " v" + version + "</p></body></html>");
        }
        Files.writeString(d.resolve("index.html"), "<html><body><h1>" + name + "</h1></body></html>");
        return d;
    }

    private static int cli(String... args) {
        return new CommandLine(new PortalCommand()).execute(args);
    }

    private List<AlarmStore.StoredAlarm> managerAlarms() {
        try {
            return new AlarmStore(manager.database()).latest(AlarmStore.MANAGER_CLIENT_ID, 100);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String token, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(manager.webUrl() + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String token, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(manager.webUrl() + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private JsonNode pollUnits(Predicate<JsonNode> ok) throws Exception {
        return poll("/api/portal/units", "units", u -> u.path("unit").asText().equals(UNIT.toString()) && ok.test(u));
    }

    private JsonNode poll(String path, String field, Predicate<JsonNode> ok) throws Exception {
        JsonNode last = null;
        for (long end = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < end; Thread.sleep(100)) {
            last = JSON.readTree(get(AUDITOR, path).body());
            for (JsonNode n : last.path(field)) {
                if (ok.test(n)) {
                    return n;
                }
            }
        }
        throw new AssertionError("the manager never showed it at " + path + "; last: " + last);
    }

    private static void await(String what, BooleanSupplier ok) throws InterruptedException {
        for (long end = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < end; Thread.sleep(50)) {
            if (ok.getAsBoolean()) {
                return;
            }
        }
        throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
    }

    private static int awaitValue(java.util.function.IntSupplier value) throws InterruptedException {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT.toSeconds()); System.nanoTime() < end; Thread.sleep(50)) {
            if (value.getAsInt() > 0) {
                return value.getAsInt();
            }
        }
        throw new AssertionError("HTTPS never came up");
    }
}
