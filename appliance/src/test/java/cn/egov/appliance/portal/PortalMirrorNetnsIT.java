package cn.egov.appliance.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.portal.PortalManifest;
import cn.egov.api.portal.SignedSnapshot;
import cn.egov.api.portal.SiteFile;
import cn.egov.lab.NetLab;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.rules.unit.UnitCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 in network namespaces, with the real processes: the manager ({@code manager run}, its
 * own JVM in namespace {@code dc}) and two boxes ({@code appliance run}, the assembled distribution,
 * in {@code box1} and {@code box2}), each with a LAN host that asks with {@code curl}.
 *
 * <pre>
 *   lan1 10.6.8.5 ── eth1 box1 (130602-001, 竞秀区教育局)  eth0 192.0.2.11 ─┐
 *                                                                         ├─ br0 192.0.2.1  dc: manager (MQTT/TLS 8883,
 *   lan2 10.6.9.5 ── eth1 box2 (130602-000, 竞秀区人民政府) eth0 192.0.2.12 ─┘                portal content 8444, CA 8081/8443)
 * </pre>
 *
 * The boxes reach the manager only over the lab network (MQTT over TLS and the content server,
 * both with their certificates). "The upstream is cut" = the dc ends of both links down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortalMirrorNetnsIT {

    private static final char[] PASS = "netns-portal-passphrase".toCharArray();
    private static final String NOC = "noc-token-0123456789abcdef";
    private static final String MANAGER = "192.0.2.1";
    private static final String COUNTY = "www.jingxiu.gov.cn";
    private static final String CITY = "www.bd.gov.cn";
    private static final String PROVINCE = "www.hebei.gov.cn";
    private static final String OWN = "jyj.jingxiu.gov.cn";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path tmp;

    static NetLab lab;
    static String dc;
    static Box box1;
    static Box box2;
    static Process managerProcess;
    static ProvincialCa ca;
    static ProvincialCa foreign;
    static KeyPair testSigner;
    static List<X509Certificate> testSignerChain;

    /** A box: its namespace, LAN host, data directory and process. */
    record Box(String ns, String lan, String lanAddress, String unit, Path data, Process process) {
        Path state() {
            return data.resolve("portal");
        }
    }

    @BeforeAll
    static void labManagerAndBoxes() throws Exception {
        ca = ProvincialCa.create(tmp.resolve("ca"), PASS, CaSettings.defaults("http://" + MANAGER + ":8081"));
        foreign = ProvincialCa.create(tmp.resolve("foreign"), PASS, CaSettings.defaults("http://" + MANAGER + ":8081"));
        testSigner = KeyPairs.p256();
        // a second portal signer of the real CA: stands for a compromised or buggy publisher in the refusal cases
        testSignerChain = List.of(ca.issuePortalSigning(testSigner.getPublic(), "test signer"), ca.issuingCertificate());
        Path box1Keys = keyStore("box1", "130602-001", OWN);
        Path box2Keys = keyStore("box2", "130602-000", COUNTY);
        ca.close(); // the manager process opens it

        lab = NetLab.create("ptl");
        dc = lab.host("dc");
        String b1 = lab.host("box1");
        String b2 = lab.host("box2");
        String l1 = lab.host("lan1");
        String l2 = lab.host("lan2");
        lab.link(dc, "b1", null, b1, "eth0", "192.0.2.11/24");
        lab.link(dc, "b2", null, b2, "eth0", "192.0.2.12/24");
        lab.exec(dc, "ip", "link", "add", "br0", "type", "bridge");
        lab.exec(dc, "ip", "link", "set", "b1", "master", "br0");
        lab.exec(dc, "ip", "link", "set", "b2", "master", "br0");
        lab.exec(dc, "ip", "addr", "add", MANAGER + "/24", "dev", "br0");
        lab.exec(dc, "ip", "link", "set", "br0", "up");
        lab.link(b1, "eth1", "10.6.8.1/24", l1, "eth0", "10.6.8.5/24");
        lab.link(b2, "eth1", "10.6.9.1/24", l2, "eth0", "10.6.9.5/24");

        managerProcess = startManager();
        box1 = startBox(b1, l1, "10.6.8.1", "130602-001", box1Keys);
        box2 = startBox(b2, l2, "10.6.9.1", "130602-000", box2Keys);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : new Process[]{box1 == null ? null : box1.process(), box2 == null ? null : box2.process(), managerProcess}) {
            if (p != null) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        if (lab != null) {
            lab.close();
        }
        if (foreign != null) {
            foreign.close();
        }
    }

    // ---- the scenario, in order ------------------------------------------------------------

    @Test
    @Order(1)
    void theManagerPublishesAndBothBoxesMirrorAndServe() throws Exception {
        publish(PROVINCE, "13", 1);
        publish(CITY, "1306", 1);
        publish(COUNTY, "130602", 1);
        publish(OWN, "130602-001", 1);
        for (Box b : List.of(box1, box2)) {
            for (String site : List.of(PROVINCE, CITY, COUNTY)) {
                awaitVersion(b, site, 1);
            }
        }
        awaitVersion(box1, OWN, 1);
        Reply own = curl(box2, OWN, "/");
        assertEquals(COUNTY, own.header("x-snapshot-site"), "box2 does not mirror box1's department site: its default site answers");
        Reply home = curl(box1, COUNTY, "/");
        assertEquals(200, home.status());
        assertTrue(home.body().contains(COUNTY + " v1 index"), home.body());
        assertEquals("nosniff", home.header("x-content-type-options"));
        assertEquals("frame-ancestors 'self'", home.header("content-security-policy"));
        assertNull(home.header("server"));
        assertTrue(Instant.parse(home.header("x-snapshot-time")).isBefore(Instant.now()));
        assertEquals("image/png", curl(box1, CITY, "/img/logo.png").header("content-type"));
        assertEquals(304, curl(box1, CITY, "/a.html", "If-None-Match: " + curl(box1, CITY, "/a.html").header("etag")).status());

        // the manager shows both units' copies and their inspection probes
        JsonNode units = awaitNoc("/api/portal/units", "units", u -> u.path("unit").asText().equals("130602-000")
                && u.path("site").asText().equals(COUNTY) && u.path("reachable").asBoolean() && u.path("versionInForce").asLong() == 1);
        assertEquals(200, units.path("httpStatus").asInt(), units.toString());
        awaitNoc("/api/portal/units", "units", u -> u.path("unit").asText().equals("130602-001") && u.path("site").asText().equals(OWN)
                && u.path("reachable").asBoolean());
        String page = noc("/portal");
        assertTrue(page.contains("130602-000") && page.contains("130602-001") && page.contains(OWN), page);
    }

    @Test
    @Order(2)
    void cutOffBothBoxesKeepServingAndAVersionPublishedMeanwhileIsSwappedInAfterwards() throws Exception {
        cut(true);
        assertFalse(lab.tryExec(box1.ns(), "curl", "-sk", "-m", "2", "https://" + MANAGER + ":8444/").ok(), "the manager is unreachable");
        for (Box b : List.of(box1, box2)) {
            Reply r = curl(b, COUNTY, "/");
            assertEquals(200, r.status(), b.ns() + " serves during the cut");
            assertEquals("1", r.header("x-snapshot-version"));
            assertTrue(r.header("x-snapshot-time") != null);
        }
        publish(COUNTY, "130602", 2);
        Thread.sleep(6000); // longer than the boxes' poll interval: nothing can arrive
        assertEquals("1", curl(box1, COUNTY, "/a.html").header("x-snapshot-version"));

        // readers on both LANs fetch pairs of pages throughout the swap
        List<Reader> readers = List.of(new Reader(box1), new Reader(box2));
        readers.forEach(Thread::start);
        Thread.sleep(1500);
        cut(false);
        awaitVersion(box1, COUNTY, 2);
        awaitVersion(box2, COUNTY, 2);
        Thread.sleep(1500);
        for (Reader r : readers) {
            r.stop.set(true);
            r.join(30_000);
            assertNull(r.problem.get(), r.problem.get());
            assertTrue(r.seen.get(1) > 0 && r.seen.get(2) > 0, r.box.ns() + " read both versions: " + r.seen);
        }
    }

    @Test
    @Order(3)
    void aFileTamperedOnTheBoxIsRefusedFetchedAgainAndAlarmed() throws Exception {
        byte[] good = curl(box1, COUNTY, "/b.html").bytes();
        Path blob = blob(box1, good);
        assertTrue(Files.isRegularFile(blob), blob.toString());
        String changed = new String(good, StandardCharsets.UTF_8).replace("v2", "XX");
        assertEquals(good.length, changed.getBytes(StandardCharsets.UTF_8).length);
        blob.toFile().setWritable(true);
        Files.writeString(blob, changed);
        Reply refused = curl(box1, COUNTY, "/b.html");
        assertTrue(refused.status() == 503 || refused.body().equals(new String(good, StandardCharsets.UTF_8)),
                "changed bytes are never served: " + refused.status() + " " + refused.body());
        assertFalse(refused.body().contains("XX"));
        await("b.html fetched again", () -> {
            try {
                Reply r = curlQuiet(box1, COUNTY, "/b.html");
                return r != null && r.status() == 200 && r.body().equals(new String(good, StandardCharsets.UTF_8));
            } catch (IOException e) {
                return false;
            }
        });
        JsonNode alarm = awaitNoc("/api/portal/alarms", "alarms", a -> a.path("kind").asText().equals("portal.file.tampered")
                && a.path("unit").asText().equals(box1.unit()));
        assertEquals("b.html", alarm.path("evidence").path("path").asText(), alarm.toString());
    }

    @Test
    @Order(4)
    void eachRefusalLeavesTheServedSnapshotAsItWas() throws Exception {
        Path db = tmp.resolve("manager-data/manager.db");
        SignedSnapshot v2 = SignedSnapshot.decode(envelope(db, COUNTY, 2));
        PortalManifest m2 = PortalManifest.parse(v2.manifest());
        String before = curl(box1, COUNTY, "/a.html").body();

        // an older version the manager really signed, replayed
        refuse(db, 1001, envelope(db, COUNTY, 1), List.of(), "version", before);
        // a foreign CA's portal signer
        KeyPair alien = KeyPairs.p256();
        List<X509Certificate> alienChain;
        try (ProvincialCa f = foreign) {
            alienChain = List.of(f.issuePortalSigning(alien.getPublic(), "alien"), f.issuingCertificate());
        }
        foreign = null;
        refuse(db, 1002, forged(m2, 1002, m2.files(), alien.getPrivate(), alienChain), List.of(), "chain", before);
        // content whose hash is not what the manifest says (the manager's copy was changed)
        byte[] evil = "<html><body>defaced</body></html>".getBytes(StandardCharsets.UTF_8);
        byte[] claimed = "<html><body>claimed</body></html>".getBytes(StandardCharsets.UTF_8);
        Path managerBlob = tmp.resolve("manager-data/portal/blobs").resolve(sha(claimed).substring(0, 2)).resolve(sha(claimed));
        Files.createDirectories(managerBlob.getParent());
        Files.write(managerBlob, evil.length == claimed.length ? evil : java.util.Arrays.copyOf(evil, claimed.length));
        List<SiteFile> withClaimed = replace(m2.files(), "a.html", new SiteFile("a.html", sha(claimed), claimed.length, "text/html; charset=utf-8", 0));
        refuse(db, 1003, forged(m2, 1003, withClaimed, testSigner.getPrivate(), testSignerChain), List.of(sha(claimed)), "file_hash", before);
        // a path out of the site (signed by a real portal signer: a publisher bug)
        String escape = new String(forged(m2, 1004, m2.files(), testSigner.getPrivate(), testSignerChain), StandardCharsets.US_ASCII);
        refuse(db, 1004, resign(escape, "\"path\":\"b.html\"", "\"path\":\"../../etc/passwd\""), List.of(), "path", before);
        // a file beyond the box's limit (max.file.bytes = 1 MiB)
        List<SiteFile> big = new ArrayList<>(m2.files());
        big.add(new SiteFile("video.mp4", sha("huge".getBytes()), 2L * 1024 * 1024, "video/mp4", 0));
        refuse(db, 1005, forged(m2, 1005, big, testSigner.getPrivate(), testSignerChain), List.of(), "size", before);
        // a file the manager does not deliver
        byte[] absent = "<html>never uploaded</html>".getBytes(StandardCharsets.UTF_8);
        List<SiteFile> missing = new ArrayList<>(m2.files());
        missing.add(new SiteFile("absent.html", sha(absent), absent.length, "text/html; charset=utf-8", 0));
        refuse(db, 1006, forged(m2, 1006, missing, testSigner.getPrivate(), testSignerChain), List.of(sha(absent)), "missing", before);

        awaitNoc("/api/portal/alarms", "alarms", a -> a.path("kind").asText().equals("portal.snapshot.rejected")
                && a.path("evidence").path("check").asText().equals("chain"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.createStatement().executeUpdate("DELETE FROM portal_files WHERE version > 1000");
            c.createStatement().executeUpdate("DELETE FROM portal_snapshots WHERE version > 1000");
        }
    }

    @Test
    @Order(5)
    void anEmergencyNoticeDuringTheOutageIsServedAtOnceAndReconciledWhenTheLinkReturns() throws Exception {
        cut(true);
        NetLab.Result made = lab.tryExec(box2.ns(), appliance(), "portal", "notice", "--state", box2.state().toString(),
                "--site", COUNTY, "--title", "防汛紧急通知", "--text", "今晚有特大暴雨，请居民不要外出。");
        assertEquals(0, made.exitCode(), made.output());
        String id = made.output().lines().filter(l -> l.startsWith("id: ")).findFirst().orElseThrow().substring(4);
        Reply home = curl(box2, COUNTY, "/");
        assertTrue(home.body().contains("防汛紧急通知"), "served at once, on the homepage");
        assertEquals(200, curl(box2, COUNTY, "/notices/" + id + ".html").status());
        NetLab.Result refused = lab.tryExec(box1.ns(), appliance(), "portal", "notice", "--state", box1.state().toString(),
                "--site", COUNTY, "--title", "not mine", "--text", "x");
        assertEquals(1, refused.exitCode(), "the education bureau does not speak for the county portal: " + refused.output());

        cut(false);
        JsonNode n = awaitNoc("/api/portal/notices", "notices", x -> x.path("id").asText().equals(id));
        assertEquals("OPEN", n.path("state").asText());
        assertEquals("130602-000", n.path("unit").asText());
        NetLab.Result fold = managerCli("portal", "decide", "--url", "http://127.0.0.1:8080", "--token-file", tmp.resolve("noc.token").toString(),
                "--notice", id, "--action", "fold");
        assertEquals(0, fold.exitCode(), fold.output());
        awaitVersion(box2, COUNTY, 3);
        awaitVersion(box1, COUNTY, 3);
        Reply official = curl(box1, COUNTY, "/notices/" + id + ".html");
        assertEquals(200, official.status(), "box1 serves the folded notice from the official snapshot");
        assertTrue(official.body().contains("今晚有特大暴雨"));
        assertFalse(curl(box2, COUNTY, "/").body().contains("防汛紧急通知"), "box2's own copy is gone");
    }

    // ---- the parts --------------------------------------------------------------------------

    private static Path keyStore(String name, String unit, String domain) throws Exception {
        KeyPair k = KeyPairs.p256();
        X509Certificate cert = ca.issueBox(k.getPublic(), UnitCode.parse(unit), domain);
        Path file = Files.createDirectories(tmp.resolve(name)).resolve("box.p12");
        new BoxKeyStore(file, new char[0]).save(new BoxCredentials(k.getPrivate(), List.of(cert, ca.issuingCertificate()),
                List.of(ca.issuingCertificate(), ca.rootCertificate())));
        PemFiles.write(Files.createDirectories(tmp.resolve(name).resolve("trust")).resolve("root.pem"), ca.rootCertificate());
        return file;
    }

    private static Process startManager() throws Exception {
        Path pass = tmp.resolve("ca.pass");
        Files.writeString(pass, new String(PASS) + "\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(tmp.resolve("noc.token"), NOC);
        Path config = tmp.resolve("manager.properties");
        Files.writeString(config, String.join("\n",
                "data.dir = " + tmp.resolve("manager-data"),
                "web.port = 8080",
                "auth.noc.token = " + NOC,
                "broker.bind = 0.0.0.0",
                "broker.tls.port = 8883",
                "broker.tls.ips = " + MANAGER,
                "broker.tls.dns-names = ",
                "ca.dir = " + tmp.resolve("ca"),
                "ca.passphrase-file = " + pass,
                "ca.bind = 0.0.0.0",
                "ca.http-port = 8081",
                "ca.public-url = http://" + MANAGER + ":8081",
                "portal.bind = 0.0.0.0",
                "portal.port = 8444",
                "portal.tls.ips = " + MANAGER,
                "portal.tls.dns-names = ",
                "portal.check-period-s = 2", ""));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------")); // it holds the NOC token
        Path out = tmp.resolve("manager.out");
        Process p = new ProcessBuilder("ip", "netns", "exec", dc, java(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "cn.egov.manager.cli.ManagerCommand", "run", "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        awaitLog(p, out, "fleet: ");
        return p;
    }

    private static Box startBox(String ns, String lan, String lanAddress, String unit, Path keyStore) throws Exception {
        Path root = Files.createDirectories(tmp.resolve(ns));
        Path config = Files.createDirectories(root.resolve("config"));
        Path data = Files.createDirectories(root.resolve("data"));
        Map<String, String> files = new LinkedHashMap<>();
        files.put("cn.egov.identity.cfg", "unit.code = " + unit + "\nserial.number = SN-" + unit + "\n");
        files.put("cn.egov.telemetry.cfg", "broker.url = ssl://" + MANAGER + ":8883\naccount = hebei\nhealth.interval.s = 60\n"
                + "outbox.path = ${data}/telemetry/outbox.db\noutbox.sync = NORMAL\nreconnect.max.ms = 2000\n");
        files.put("cn.egov.pki.cfg", "est.url = https://" + MANAGER + ":8443\nkey.store.path = " + keyStore
                + "\ntrust.store.paths = " + root.resolve("trust") + "\ncheck.interval.s = 3600\n");
        files.put("cn.egov.pki.mqtt.cfg", "enabled = true\n");
        files.put("cn.egov.isolation.enforce.cfg", "policy.directory = ${data}/no-policy\nlock.file = ${data}/nft.lock\n");
        files.put("cn.egov.portal.cfg", String.join("\n", "manager.url = https://" + MANAGER + ":8444", "state.directory = ${data}/portal",
                "http.bind = 0.0.0.0", "http.port = 80", "https.port = 443", "admin.port = 8089", "poll.interval.s = 5",
                "probe.interval.s = 5", "fetch.timeout.s = 5", "max.file.bytes = 1048576", "reserve.disk.bytes = 0", ""));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(config.resolve(f.getKey()), f.getValue());
        }
        Path out = root.resolve("box.out");
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, appliance(), "run", "--config", config.toString(), "--data", data.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        awaitLog(p, out, "portal: serving");
        return new Box(ns, lan, lanAddress, unit, data, p);
    }

    private static String appliance() {
        String dist = System.getProperty("appliance.dist");
        if (dist == null) {
            throw new IllegalStateException("system property appliance.dist is not set: run with 'mvn verify'");
        }
        return Path.of(dist, "bin", "appliance").toString();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static NetLab.Result managerCli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"), "cn.egov.manager.cli.ManagerCommand"));
        cmd.addAll(List.of(args));
        return lab.tryExec(dc, cmd.toArray(String[]::new));
    }

    /** Writes a site of version {@code v} (HTML, CSS, an image; every text names site and version) and publishes it with the CLI. */
    private static void publish(String site, String owner, int v) throws Exception {
        Path d = Files.createDirectories(tmp.resolve("sites").resolve(site));
        Files.writeString(d.resolve("index.html"), page(site, v, "index"));
        Files.writeString(d.resolve("a.html"), page(site, v, "a"));
        Files.writeString(d.resolve("b.html"), page(site, v, "b"));
        Files.createDirectories(d.resolve("css"));
        Files.writeString(d.resolve("css/site.css"), "/* " + site + " */ body{font-family:sans-serif}\n");
        Files.createDirectories(d.resolve("img"));
        byte[] png = new byte[4096];
        new java.util.Random(site.hashCode()).nextBytes(png);
        png[0] = (byte) 0x89;
        Files.write(d.resolve("img/logo.png"), png);
        NetLab.Result r = managerCli("portal", "publish", "--url", "http://127.0.0.1:8080", "--token-file", tmp.resolve("noc.token").toString(),
                "--site", site, "--owner", owner, "--dir", d.toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("site " + site + " version " + v), r.output());
    }

    private static String page(String site, int v, String name) {
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><p>" + site + " v" + v + " " + name + "</p></body></html>\n";
    }

    /** The dc ends of both boxes' uplinks down (cut) or up. */
    private static void cut(boolean down) {
        for (String port : List.of("b1", "b2")) {
            lab.exec(dc, "ip", "link", "set", port, down ? "down" : "up");
        }
    }

    private long lastRejected = -1;

    /** Replays or forges a version: put into the manager's database as the site's newest, the box told to sync, the refusal checked. */
    private void refuse(Path db, long rowVersion, byte[] envelope, List<String> shas, String check, String servedBefore) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.setAutoCommit(false); // the box polls every few seconds: it sees all of it or nothing
            for (String s : shas) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO portal_files (site, version, path, sha256) VALUES (?, ?, ?, ?)")) {
                    ps.setString(1, COUNTY);
                    ps.setLong(2, rowVersion);
                    ps.setString(3, "forged-" + s.substring(0, 8));
                    ps.setString(4, s);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO portal_snapshots (site, version, issued_at, expires_at, issued_by, files,"
                    + " bytes, homepage_modified, sha256, envelope) VALUES (?, ?, 0, 0, 'test', 0, 0, 0, ?, ?)")) {
                ps.setString(1, COUNTY);
                ps.setLong(2, rowVersion);
                ps.setString(3, sha(envelope));
                ps.setString(4, new String(envelope, StandardCharsets.US_ASCII));
                ps.executeUpdate();
            }
            c.commit();
        }
        // the box's own poll may get there first; 'appliance portal sync' asks at once
        NetLab.Result sync = lab.tryExec(box1.ns(), appliance(), "portal", "sync", "--state", box1.state().toString());
        assertEquals(0, sync.exitCode(), sync.output());
        JsonNode shown = awaitNoc("/api/portal/units", "units", u -> u.path("unit").asText().equals(box1.unit())
                && u.path("site").asText().equals(COUNTY) && check.equals(u.path("rejectedCheck").asText())
                && u.path("lastVersion").asLong() != lastRejected);
        lastRejected = shown.path("lastVersion").asLong();
        assertEquals(2, shown.path("versionInForce").asLong(), check + ": " + shown);
        Reply r = curl(box1, COUNTY, "/a.html");
        assertEquals("2", r.header("x-snapshot-version"), check + ": version 2 still served");
        assertEquals(servedBefore, r.body(), check + ": same bytes");
    }

    private static byte[] envelope(Path db, String site, long version) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement ps = c.prepareStatement("SELECT envelope FROM portal_snapshots WHERE site = ? AND version = ?")) {
            ps.setString(1, site);
            ps.setLong(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), site + " version " + version);
                return rs.getString(1).getBytes(StandardCharsets.US_ASCII);
            }
        }
    }

    private static byte[] forged(PortalManifest m, long version, List<SiteFile> files, PrivateKey key, List<X509Certificate> chain)
            throws Exception {
        return SignedSnapshot.sign(new PortalManifest(m.site(), version, Instant.now(), Instant.now().plus(Duration.ofDays(30)),
                m.frameAncestors(), m.tree(), m.notices(), files), key, chain).encode();
    }

    /** Changes the manifest inside an envelope and signs it again with the test signer. */
    private static byte[] resign(String envelopeJson, String from, String to) throws Exception {
        SignedSnapshot s = SignedSnapshot.decode(envelopeJson.getBytes(StandardCharsets.US_ASCII));
        String manifest = new String(s.manifest(), StandardCharsets.US_ASCII);
        assertTrue(manifest.contains(from));
        byte[] changed = manifest.replace(from, to).getBytes(StandardCharsets.US_ASCII);
        java.security.Signature sig = java.security.Signature.getInstance("SHA256withECDSA");
        sig.initSign(testSigner.getPrivate());
        sig.update(changed);
        return new SignedSnapshot(changed, sig.sign(), testSignerChain).encode();
    }

    private static List<SiteFile> replace(List<SiteFile> files, String path, SiteFile with) {
        List<SiteFile> out = new ArrayList<>();
        for (SiteFile f : files) {
            out.add(f.path().equals(path) ? with : f);
        }
        return out;
    }

    private static Path blob(Box b, byte[] content) {
        String s = sha(content);
        return b.state().resolve("blobs").resolve(s.substring(0, 2)).resolve(s);
    }

    static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One HTTP response as curl on the LAN host got it. */
    record Reply(int status, Map<String, String> headers, String body, byte[] bytes) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static Reply curl(Box b, String host, String path, String... headers) throws IOException {
        Reply r = curlQuiet(b, host, path, headers);
        if (r == null) {
            throw new IOException("curl on " + b.lan() + " got no answer from " + b.lanAddress() + path);
        }
        return r;
    }

    /** {@code curl -D} on the LAN host; null when it got no answer. */
    private static Reply curlQuiet(Box b, String host, String path, String... headers) throws IOException {
        Path body = Files.createTempFile(tmp, "body", ".bin");
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-m", "10", "-D", "-", "-o", body.toString(), "-H", "Host: " + host));
        for (String h : headers) {
            cmd.add("-H");
            cmd.add(h);
        }
        cmd.add("http://" + b.lanAddress() + path);
        NetLab.Result r = lab.tryExec(b.lan(), cmd.toArray(String[]::new));
        if (!r.ok() || !r.output().startsWith("HTTP/")) {
            Files.deleteIfExists(body);
            return null;
        }
        Map<String, String> hs = new LinkedHashMap<>();
        List<String> lines = r.output().lines().toList();
        for (String l : lines.subList(1, lines.size())) {
            int c = l.indexOf(':');
            if (c > 0) {
                hs.put(l.substring(0, c).strip().toLowerCase(Locale.ROOT), l.substring(c + 1).strip());
            }
        }
        byte[] bytes = Files.readAllBytes(body);
        Files.delete(body);
        return new Reply(Integer.parseInt(lines.get(0).split(" ")[1]), hs, new String(bytes, StandardCharsets.UTF_8), bytes);
    }

    private static void awaitVersion(Box b, String site, long v) throws Exception {
        await(b.ns() + " serves " + site + " version " + v, () -> {
            try {
                Reply r = curlQuiet(b, site, "/");
                return r != null && r.status() == 200 && String.valueOf(v).equals(r.header("x-snapshot-version"))
                        && site.equals(r.header("x-snapshot-site"));
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static String noc(String path) {
        return lab.exec(dc, "curl", "-s", "-m", "10", "-H", "Authorization: Bearer " + NOC, "http://127.0.0.1:8080" + path);
    }

    private static JsonNode awaitNoc(String path, String field, Predicate<JsonNode> ok) throws Exception {
        JsonNode last = null;
        for (long end = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < end; Thread.sleep(500)) {
            last = JSON.readTree(noc(path));
            for (JsonNode n : last.path(field)) {
                if (ok.test(n)) {
                    return n;
                }
            }
        }
        throw new AssertionError("the manager never showed it at " + path + "; last: " + last);
    }

    private static void await(String what, BooleanSupplier ok) throws InterruptedException {
        for (long end = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < end; Thread.sleep(250)) {
            if (ok.getAsBoolean()) {
                return;
            }
        }
        throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
    }

    private static void awaitLog(Process p, Path out, String marker) throws Exception {
        for (long end = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < end; Thread.sleep(200)) {
            if (Files.exists(out) && Files.readString(out).contains(marker)) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("process exited " + p.exitValue() + ":\n" + Files.readString(out));
            }
        }
        throw new AssertionError("'" + marker + "' never appeared:\n" + Files.readString(out));
    }

    /**
     * Fetches the county portal's pages a and b over and over from a LAN host, both in one curl (one
     * connection): each body must be of the version its header names, a and b of one round must not
     * go backwards, and no version may come after a newer one.
     */
    private static final class Reader extends Thread {
        final Box box;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<String> problem = new AtomicReference<>();
        final Map<Integer, AtomicInteger> seenCounts = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<Integer, Integer> seen = new java.util.concurrent.ConcurrentHashMap<>(Map.of(1, 0, 2, 0));

        Reader(Box box) {
            this.box = box;
            setDaemon(true);
        }

        @Override
        public void run() {
            int last = 0;
            while (!stop.get() && problem.get() == null) {
                try {
                    NetLab.Result r = lab.tryExec(box.lan(), "curl", "-s", "-m", "10", "-D", "-", "-H", "Host: " + COUNTY,
                            "http://" + box.lanAddress() + "/a.html", "http://" + box.lanAddress() + "/b.html");
                    if (!r.ok()) {
                        problem.set("curl failed: " + r.output());
                        return;
                    }
                    List<int[]> versions = parse(r.output());
                    if (versions.size() != 2) {
                        problem.set("expected two responses: " + r.output());
                        return;
                    }
                    for (int[] hb : versions) {
                        if (hb[0] != hb[1]) {
                            problem.set("header version " + hb[0] + ", body version " + hb[1] + ": " + r.output());
                            return;
                        }
                        if (hb[0] < last) {
                            problem.set("version " + hb[0] + " after " + last + ": " + r.output());
                            return;
                        }
                        last = hb[0];
                        seen.merge(hb[0], 1, Integer::sum);
                    }
                } catch (RuntimeException e) {
                    problem.set(e.toString());
                }
            }
        }

        /** (header version, body version) of each response in curl's output. */
        private static List<int[]> parse(String out) {
            List<int[]> res = new ArrayList<>();
            int header = -1;
            for (String l : out.split("\r?\n")) {
                if (l.toLowerCase(Locale.ROOT).startsWith("x-snapshot-version:")) {
                    header = Integer.parseInt(l.substring(l.indexOf(':') + 1).strip());
                }
                int at = l.indexOf(COUNTY + " v");
                if (at >= 0) {
                    String rest = l.substring(at + COUNTY.length() + 2);
                    res.add(new int[]{header, Integer.parseInt(rest.substring(0, rest.indexOf(' ')))});
                }
            }
            return res;
        }
    }
}
