package cn.egov.portal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.json.JsonValues;
import cn.egov.api.portal.EmergencyNotice;
import cn.egov.api.portal.NoticeDecision;
import cn.egov.api.portal.PortalIndex;
import cn.egov.api.portal.SignedNotice;
import cn.egov.api.portal.SiteNode;
import cn.egov.api.portal.SnapshotVerifier;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.lab.KeepAliveRequest;
import cn.egov.portal.mirror.MirrorStore;
import cn.egov.portal.mirror.ServedSites;
import cn.egov.portal.mirror.SignerRevocation;
import cn.egov.portal.mirror.SiteSnapshot;
import cn.egov.portal.mirror.SnapshotSync;
import cn.egov.portal.mirror.SyncOutcome;
import cn.egov.portal.mirror.TamperGuard;
import cn.egov.portal.mirror.VerifiedBlobs;
import cn.egov.portal.notice.NoticeBoard;
import cn.egov.portal.serve.PortalAdmin;
import cn.egov.portal.serve.PortalServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box's web server over real sockets (Jetty on port 0), serving snapshots a real provincial CA
 * signed: virtual hosts, headers, conditional GET, ranges, precompressed files, what is never
 * served, tampered files, the banner, emergency notices, and the loopback admin endpoint.
 */
class PortalServerTest {

    @TempDir
    static Path caDir;
    @TempDir
    Path dir;

    private static PortalFixture shared;
    private PortalFixture fx;
    private MirrorStore store;
    private ServedSites served;
    private SnapshotSync sync;
    private TamperGuard guard;
    private NoticeBoard notices;
    private PortalServer server;
    private final AtomicBoolean tamperSeen = new AtomicBoolean();
    private static final String TOKEN = "test-admin-token";

    private static final byte[] CSS = "body{color:#123}\n".repeat(50).getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void ca() throws Exception {
        shared = PortalFixture.create(caDir);
    }

    @AfterAll
    static void closeCa() throws Exception {
        shared.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        fx = shared.fresh();
        start(false);
    }

    private void start(boolean banner) throws Exception {
        store = new MirrorStore(dir.resolve("state"));
        VerifiedBlobs blobs = new VerifiedBlobs(store);
        served = new ServedSites("", PortalFixture.UNIT);
        sync = new SnapshotSync(store, blobs, served, () -> new SnapshotVerifier(List.of(fx.ca.rootCertificate()), Clock.systemUTC()),
                SignerRevocation.NONE, PortalFixture.UNIT, new SnapshotSync.Limits(1 << 20, 1 << 20, 0, 3, 2, EnumSet.allOf(SiteNode.Level.class)),
                fx.telemetry, Clock.systemUTC());
        guard = new TamperGuard(store, blobs, served, fx.telemetry, Clock.systemUTC());
        notices = new NoticeBoard(dir.resolve("state/notices"), served, PortalFixture.UNIT, () -> Optional.of(fx.box), fx.telemetry, 5,
                Clock.systemUTC());
        server = new PortalServer(new PortalServer.Settings("127.0.0.1", 0, "127.0.0.1", -1, 0, 8, 4096, banner),
                store, blobs, served, notices, (snap, file) -> {
                    tamperSeen.set(true);
                    guard.tampered(snap, file);
                }, admin(), TOKEN, Clock.systemUTC());
        server.start();
    }

    private PortalAdmin admin() {
        return new PortalAdmin() {
            @Override
            public Map<String, Object> status() {
                return Map.of("sites", (long) served.all().size());
            }

            @Override
            public EmergencyNotice notice(String site, String title, String body) throws NoticeBoard.Refused, IOException {
                return notices.publish(site, title, body);
            }

            @Override
            public SyncOutcome rollback(String site, long version) throws IOException {
                return sync.rollback(site, version);
            }

            @Override
            public List<SyncOutcome> syncNow() {
                return sync.syncAll(fx.manager);
            }
        };
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        sync.close();
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    private void mirror(SiteNode site, long version, Map<String, byte[]> files) throws Exception {
        fx.publish(site, version, files);
        SyncOutcome o = sync.sync(fx.manager, fx.manager.index(site.site()).entries().get(0));
        assertEquals(SyncOutcome.Status.ACCEPTED, o.status(), o.message());
    }

    private Map<String, byte[]> citySite() throws IOException {
        Map<String, byte[]> m = new TreeMap<>(PortalFixture.pages(1, "index.html", "news/index.html", "news/1.html"));
        m.put("css/site.css", CSS);
        m.put("css/site.css.gz", gzip(CSS));
        m.put("css/site.css.br", "pretend-brotli".getBytes(StandardCharsets.US_ASCII));
        return m;
    }

    private int port() {
        return server.httpPort();
    }

    @Test
    void virtualHostsHeadersAndContentTypes() throws Exception {
        mirror(PortalFixture.CITY, 1, citySite());
        mirror(PortalFixture.OWN, 4, PortalFixture.pages(4, "index.html"));

        RawHttp.Reply city = RawHttp.get(port(), "www.bd.gov.cn", "/");
        assertEquals(200, city.status());
        assertTrue(city.text().contains("index.html of version 1"), city.text());
        assertEquals("text/html; charset=utf-8", city.header("content-type"));
        assertEquals("www.bd.gov.cn", city.header("x-snapshot-site"));
        assertEquals("1", city.header("x-snapshot-version"));
        assertEquals(served.get("www.bd.gov.cn").issuedAt().toString(), city.header("x-snapshot-time"));
        assertEquals("nosniff", city.header("x-content-type-options"));
        assertEquals("frame-ancestors 'self'", city.header("content-security-policy"));
        assertNull(city.header("server"), "no server banner");
        assertNull(city.header("x-snapshot-expired"));
        assertEquals("no-cache", city.header("cache-control"));
        assertEquals("Mon, 24 Nov 2025 16:00:00 GMT", city.header("last-modified"));
        assertTrue(city.header("etag").startsWith("\""));

        assertEquals("4", RawHttp.get(port(), "jyj.jingxiu.gov.cn:80", "/").header("x-snapshot-version"), "port in Host ignored");
        assertEquals("4", RawHttp.get(port(), "JYJ.Jingxiu.GOV.cn", "/").header("x-snapshot-version"), "case ignored");
        assertEquals("jyj.jingxiu.gov.cn", RawHttp.get(port(), "10.6.8.1", "/").header("x-snapshot-site"),
                "an unknown name gets the unit's own site");
        assertEquals("text/css; charset=utf-8", RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css").header("content-type"));
        assertEquals("news/index.html of version 1", text(RawHttp.get(port(), "www.bd.gov.cn", "/news/")));
        RawHttp.Reply dirNoSlash = RawHttp.get(port(), "www.bd.gov.cn", "/news");
        assertEquals(301, dirNoSlash.status());
        assertEquals("/news/", dirNoSlash.header("location"));
        RawHttp.Reply head = RawHttp.request(port(), "HEAD", "www.bd.gov.cn", "/news/1.html", null);
        assertEquals(200, head.status());
        assertEquals(Integer.toString(citySite().get("news/1.html").length), head.header("content-length"));
        assertEquals(405, RawHttp.request(port(), "POST", "www.bd.gov.cn", "/", new byte[0]).status());
    }

    private static String text(RawHttp.Reply r) {
        String t = r.text();
        return t.substring(t.indexOf("<p>") + 3, t.indexOf("</p>"));
    }

    @Test
    void nothingOutsideTheManifestIsServed() throws Exception {
        mirror(PortalFixture.CITY, 1, citySite());
        Files.writeString(store.root().resolve("secret.txt"), "box secret");
        for (String p : List.of("/missing.html", "/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/css/../../secret.txt",
                "/blobs/", "/sites/www.bd.gov.cn/current", "/admin/status")) {
            RawHttp.Reply r = RawHttp.get(port(), "www.bd.gov.cn", p);
            assertTrue(r.status() == 404 || r.status() == 400, p + " answered " + r.status());
            assertFalse(r.text().contains("box secret"), p);
        }
        // the admin endpoint is not on the sites' connector, and needs its token on its own
        assertEquals(401, RawHttp.get(server.adminPort(), "localhost", "/admin/status").status());
        RawHttp.Reply status = RawHttp.get(server.adminPort(), "localhost", "/admin/status", "Authorization: Bearer " + TOKEN);
        assertEquals(200, status.status());
        assertEquals(1L, ((Map<?, ?>) JsonValues.parse(status.text())).get("sites"));
    }

    @Test
    void whatJettyRefusesItselfIsAPlainAnswerThatNamesNoServerAndEchoesNothing() throws Exception {
        mirror(PortalFixture.CITY, 1, citySite());
        // a bad percent escape, an encoded separator, a raw control byte: refused before the site handler sees them
        for (String p : List.of("/%zz<script>", "/..%2fsecret.txt<b>", "/a%00b<i>")) {
            RawHttp.Reply r = RawHttp.get(port(), "www.bd.gov.cn", p);
            assertEquals(400, r.status(), p);
            assertEquals("400 Bad Request\n", r.text(), p + ": nothing of the request, nor Jetty's page");
            assertEquals("text/plain; charset=utf-8", r.header("content-type"), p);
            assertEquals("nosniff", r.header("x-content-type-options"), p);
            assertEquals(null, r.header("server"), p);
        }
    }

    /**
     * Jetty closes a connection whose request body was not read: an error answered before the body
     * arrived must say so, or a keep-alive client sends its next request into the closing connection.
     */
    @Test
    void anErrorBeforeTheBodyArrivedSaysTheConnectionCloses() throws Exception {
        String site = "POST / HTTP/1.1\r\nHost: www.bd.gov.cn\r\nContent-Length: 2";
        String admin = "POST /admin/notices HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2";
        for (var request : Map.of(site, port(), admin, server.adminPort()).entrySet()) {
            KeepAliveRequest.Answer early;
            try (Socket s = new Socket("127.0.0.1", request.getValue())) {
                early = KeepAliveRequest.send(s, request.getKey(), "");
            }
            assertTrue(early.status() == 405 || early.status() == 401, early.toString());
            assertEquals("close", early.header("connection"), request.getKey().lines().findFirst().orElseThrow());
            try (Socket s = new Socket("127.0.0.1", request.getValue())) {
                KeepAliveRequest.Answer whole = KeepAliveRequest.send(s, request.getKey(), "{}");
                assertEquals(early.status(), whole.status());
                assertNull(whole.header("connection"), "the whole body was read: the connection is kept");
            }
        }
    }

    @Test
    void conditionalGetRangesAndPrecompressedFiles() throws Exception {
        mirror(PortalFixture.CITY, 1, citySite());
        RawHttp.Reply full = RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css");
        String etag = full.header("etag");
        assertArrayEquals(CSS, full.body());
        assertEquals(304, RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "If-None-Match: W/" + etag).status());
        assertEquals(304, RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "If-None-Match: \"x\", " + etag).status());
        assertEquals(200, RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "If-None-Match: \"other\"",
                "If-Modified-Since: " + full.header("last-modified")).status(), "If-None-Match decides when present");
        assertEquals(304, RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "If-Modified-Since: " + full.header("last-modified")).status());
        assertEquals(200, RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "If-Modified-Since: Sun, 01 Jan 2023 00:00:00 GMT").status());

        RawHttp.Reply part = RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "Range: bytes=5-14");
        assertEquals(206, part.status());
        assertEquals("bytes 5-14/" + CSS.length, part.header("content-range"));
        assertArrayEquals(java.util.Arrays.copyOfRange(CSS, 5, 15), part.body());
        RawHttp.Reply suffix = RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "Range: bytes=-4");
        assertArrayEquals(java.util.Arrays.copyOfRange(CSS, CSS.length - 4, CSS.length), suffix.body());
        RawHttp.Reply beyond = RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "Range: bytes=99999-");
        assertEquals(416, beyond.status());
        assertEquals("bytes */" + CSS.length, beyond.header("content-range"));
        assertEquals(200, RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "Range: bytes=0-1", "If-Range: \"stale\"").status(),
                "If-Range naming another version: the whole file");
        assertEquals(206, RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "Range: bytes=0-1", "If-Range: " + etag).status());

        RawHttp.Reply gz = RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "Accept-Encoding: gzip");
        assertEquals("gzip", gz.header("content-encoding"));
        assertEquals("Accept-Encoding", gz.header("vary"));
        assertEquals("text/css; charset=utf-8", gz.header("content-type"));
        assertArrayEquals(gzip(CSS), gz.body());
        assertFalse(etag.equals(gz.header("etag")), "each representation has its own ETag");
        assertEquals("br", RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "Accept-Encoding: gzip, br").header("content-encoding"));
        assertEquals("gzip", RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "Accept-Encoding: br;q=0, gzip").header("content-encoding"));
        RawHttp.Reply identity = RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "Accept-Encoding: identity");
        assertNull(identity.header("content-encoding"));
        assertEquals("Accept-Encoding", identity.header("vary"));
    }

    @Test
    void aFileChangedOnDiskIsRefusedAlarmedAndFetchedAgain() throws Exception {
        mirror(PortalFixture.CITY, 1, citySite());
        byte[] good = RawHttp.get(port(), "www.bd.gov.cn", "/news/1.html").body(); // now verified and in memory
        Path file = store.blob(PortalFixture.sha(good));
        file.toFile().setWritable(true);
        Files.writeString(file, new String(good, StandardCharsets.UTF_8).replace("version", "VERSION")); // same size
        RawHttp.Reply refused = RawHttp.get(port(), "www.bd.gov.cn", "/news/1.html");
        assertEquals(503, refused.status());
        assertEquals("30", refused.header("retry-after"));
        assertFalse(refused.text().contains("VERSION"));
        assertTrue(tamperSeen.get());
        assertEquals(1, fx.telemetry.alarms(PortalMetrics.TAMPERED_ALARM).size());
        assertEquals("news/1.html", fx.telemetry.alarms(PortalMetrics.TAMPERED_ALARM).get(0).evidence().get("path"));
        assertEquals(List.of(PortalFixture.sha(good)), List.copyOf(guard.pending()));
        try (var q = Files.list(store.root().resolve("quarantine"))) {
            assertEquals(1, q.count(), "the changed file is kept as evidence");
        }
        assertTrue(sync.repair(fx.manager, PortalFixture.sha(good)));
        guard.repaired(PortalFixture.sha(good));
        assertArrayEquals(good, RawHttp.get(port(), "www.bd.gov.cn", "/news/1.html").body());

        // an edit that restores size and modification time is seen by its ctime, read as the box reads it
        assertTrue(VerifiedBlobs.direct(), "the JVM opens java.base/sun.nio.fs as bin/appliance does");
        Path again = store.blob(PortalFixture.sha(good));
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(again);
        again.toFile().setWritable(true);
        Files.writeString(again, new String(good, StandardCharsets.UTF_8).replace("version", "VERSIOn"));
        Files.setLastModifiedTime(again, mtime);
        assertEquals(503, RawHttp.get(port(), "www.bd.gov.cn", "/news/1.html").status());
        assertEquals(2, fx.telemetry.alarms(PortalMetrics.TAMPERED_ALARM).size());
        assertTrue(sync.repair(fx.manager, PortalFixture.sha(good)));
        guard.repaired(PortalFixture.sha(good));

        // a planted symbolic link is not followed
        Path css = store.blob(PortalFixture.sha(CSS));
        Files.delete(css);
        Files.createSymbolicLink(css, Path.of("/etc/hostname"));
        RawHttp.Reply link = RawHttp.get(port(), "www.bd.gov.cn", "/css/site.css", "Accept-Encoding: identity");
        assertEquals(503, link.status());
        // the scheduled scan finds a change nobody asked for
        Path index = store.blob(PortalFixture.sha(citySite().get("index.html")));
        index.toFile().setWritable(true);
        Files.write(index, new byte[]{'x'}, java.nio.file.StandardOpenOption.APPEND);
        assertEquals(1, guard.scan());
        assertEquals(4, fx.telemetry.alarms(PortalMetrics.TAMPERED_ALARM).size());
    }

    @Test
    void bannerAndExpiredManifestsStateTheSnapshot() throws Exception {
        server.close();
        start(true);
        Map<String, byte[]> files = PortalFixture.pages(2, "index.html");
        Instant issued = Instant.now().minus(Duration.ofDays(40));
        fx.manager.put(PortalFixture.CITY.site(), PortalFixture.sign(PortalFixture.manifest(PortalFixture.CITY, 2, PortalFixture.listing(files),
                issued, Duration.ofDays(30), List.of()), fx.signerKey.getPrivate(), fx.signerChain), files);
        assertEquals(SyncOutcome.Status.ACCEPTED, sync.sync(fx.manager, fx.manager.index(PortalFixture.CITY.site()).entries().get(0)).status(),
                "an expired manifest is still taken: it only warns");
        RawHttp.Reply r = RawHttp.get(port(), "www.bd.gov.cn", "/");
        assertEquals(200, r.status());
        assertEquals("true", r.header("x-snapshot-expired"));
        String html = r.text();
        assertTrue(html.contains("<body><div class=\"egov-snapshot\""), html);
        assertTrue(html.contains("版本 2"), html);
        assertTrue(html.contains("已超过有效期"), html);
        assertEquals(Integer.toString(r.body().length), r.header("content-length"));
    }

    @Test
    void anEmergencyNoticeIsServedAtOnceQueuedAndDroppedWhenTheManagerDecides() throws Exception {
        mirror(PortalFixture.OWN, 1, PortalFixture.pages(1, "index.html"));
        mirror(PortalFixture.CITY, 1, citySite());
        byte[] json = "{\"site\":\"jyj.jingxiu.gov.cn\",\"title\":\"停课通知\",\"body\":\"因暴雨，明日全区中小学停课。\\n请家长注意安全。\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(401, RawHttp.request(server.adminPort(), "POST", "localhost", "/admin/notices", json, "Content-Type: application/json").status());
        RawHttp.Reply made = RawHttp.request(server.adminPort(), "POST", "localhost", "/admin/notices", json,
                "Authorization: Bearer " + TOKEN, "Content-Type: application/json");
        assertEquals(201, made.status(), made.text());
        Map<?, ?> m = (Map<?, ?>) JsonValues.parse(made.text());
        String id = (String) m.get("id");
        String home = RawHttp.get(port(), "jyj.jingxiu.gov.cn", "/").text();
        assertTrue(home.contains("紧急公告") && home.contains("停课通知"), home);
        RawHttp.Reply page = RawHttp.get(port(), "jyj.jingxiu.gov.cn", (String) m.get("path"));
        assertEquals(200, page.status());
        assertTrue(page.text().contains("请家长注意安全"), page.text());
        assertEquals(404, RawHttp.get(port(), "www.bd.gov.cn", (String) m.get("path")).status(), "only on its own site");

        // queued for the manager, signed by the box's key for its unit
        int at = fx.telemetry.published.indexOf(PortalMetrics.APP + "/" + PortalMetrics.NOTICE_RESOURCE);
        assertTrue(at >= 0);
        EmergencyNotice n = SignedNotice.decode(fx.telemetry.payloads.get(at).body()).verify(List.of(fx.ca.rootCertificate()),
                PortalFixture.UNIT, Instant.now());
        assertEquals(id, n.id());

        // a unit may publish only on the site it speaks for; and the box keeps a bound
        byte[] onCity = "{\"site\":\"www.bd.gov.cn\",\"title\":\"x\",\"body\":\"\"}".getBytes(StandardCharsets.UTF_8);
        RawHttp.Reply refused = RawHttp.request(server.adminPort(), "POST", "localhost", "/admin/notices", onCity,
                "Authorization: Bearer " + TOKEN, "Content-Type: application/json");
        assertEquals(422, refused.status());
        assertTrue(refused.text().contains("does not speak for"), refused.text());

        // the manager folds it into version 2, which carries the page itself
        Map<String, byte[]> v2 = new TreeMap<>(PortalFixture.pages(2, "index.html"));
        v2.put(n.path(), cn.egov.api.portal.NoticePage.render(n));
        fx.manager.put(PortalFixture.OWN.site(), PortalFixture.sign(PortalFixture.manifest(PortalFixture.OWN, 2, PortalFixture.listing(v2),
                Instant.now(), Duration.ofDays(30), List.of(new NoticeDecision(id, NoticeDecision.State.FOLDED))),
                fx.signerKey.getPrivate(), fx.signerChain), v2);
        assertEquals(SyncOutcome.Status.ACCEPTED, sync.sync(fx.manager, fx.manager.index(PortalFixture.OWN.site()).entries().get(0)).status());
        assertTrue(notices.active(PortalFixture.OWN.site()).isEmpty(), "the box's own copy is dropped");
        assertFalse(RawHttp.get(port(), "jyj.jingxiu.gov.cn", "/").text().contains("紧急公告"));
        RawHttp.Reply official = RawHttp.get(port(), "jyj.jingxiu.gov.cn", (String) m.get("path"));
        assertEquals(200, official.status());
        assertEquals("2", official.header("x-snapshot-version"), "served from the official snapshot now");
        assertFalse(Files.exists(dir.resolve("state/notices").resolve(id + ".notice")));
    }

    /**
     * A reader keeps fetching while versions are swapped in: each response's body is of the version
     * its header names, and versions only go forward.
     */
    @Test
    void aReaderDuringSwapsNeverSeesAMix() throws Exception {
        mirror(PortalFixture.CITY, 1, PortalFixture.pages(1, "index.html", "a.html", "b.html"));
        AtomicReference<String> problem = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        int[] reads = new int[1];
        Thread reader = new Thread(() -> {
            long seen = 0;
            try {
                while (!stop.get() && problem.get() == null) {
                    for (String p : List.of("/", "/a.html", "/b.html")) {
                        RawHttp.Reply r = RawHttp.get(port(), "www.bd.gov.cn", p);
                        long v = Long.parseLong(r.header("x-snapshot-version"));
                        if (!r.text().contains("of version " + v + "<")) {
                            problem.set(p + ": header version " + v + ", body " + r.text());
                        }
                        if (v < seen) {
                            problem.set(p + ": version " + v + " after " + seen);
                        }
                        // the header fields worked out per file are those of the snapshot the body came from
                        String etag = "\"" + PortalFixture.sha(r.body()).substring(0, 32) + "\"";
                        if (!etag.equals(r.header("etag")) || !Integer.toString(r.body().length).equals(r.header("content-length"))) {
                            problem.set(p + ": ETag " + r.header("etag") + " and length " + r.header("content-length") + " for a body of version " + v);
                        }
                        seen = v;
                        reads[0]++;
                    }
                }
            } catch (IOException e) {
                problem.set(e.toString());
            }
        });
        reader.start();
        for (int v = 2; v <= 12; v++) {
            mirror(PortalFixture.CITY, v, PortalFixture.pages(v, "index.html", "a.html", "b.html"));
        }
        stop.set(true);
        reader.join(30_000);
        assertNull(problem.get(), problem.get());
        assertTrue(reads[0] > 0);
        SiteSnapshot last = served.get("www.bd.gov.cn");
        assertEquals(12, last.version());
        assertTrue(fx.manager.index(PortalFixture.CITY.site()).entries().stream().map(PortalIndex.Entry::version).allMatch(v -> v == 12));
    }
}
