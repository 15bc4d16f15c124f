package cn.egov.portal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.portal.PortalIndex;
import cn.egov.api.portal.PortalManifest;
import cn.egov.api.portal.SignedSnapshot;
import cn.egov.api.portal.SiteFile;
import cn.egov.api.portal.SiteNode;
import cn.egov.api.portal.SnapshotVerifier;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.portal.mirror.MirrorStore;
import cn.egov.portal.mirror.ServedSites;
import cn.egov.portal.mirror.SignerRevocation;
import cn.egov.portal.mirror.SiteSnapshot;
import cn.egov.portal.mirror.SnapshotSync;
import cn.egov.portal.mirror.SyncOutcome;
import cn.egov.portal.mirror.VerifiedBlobs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box's sync against a manager in memory, with snapshots signed by a real provincial CA: what
 * it takes, what it fetches (only what changed, only what a verified manifest lists), and every
 * bad input refused by the check that names it while the served snapshot stays exactly as it was.
 */
class SnapshotSyncTest {

    private static final long MAX_FILE = 64 * 1024;
    private static final int MAX_SNAPSHOT = 64 * 1024;

    @TempDir
    static Path caDir;
    @TempDir
    Path dir;

    private static PortalFixture shared;
    private PortalFixture fx;
    private MirrorStore store;
    private ServedSites served;
    private SnapshotSync sync;
    private SignerRevocation revocation = SignerRevocation.NONE;

    @org.junit.jupiter.api.BeforeAll
    static void ca() throws Exception {
        shared = PortalFixture.create(caDir);
    }

    @org.junit.jupiter.api.AfterAll
    static void closeCa() throws Exception {
        shared.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        fx = shared.fresh();
        open();
    }

    private void open() throws Exception {
        store = new MirrorStore(dir.resolve("state"));
        served = new ServedSites("", PortalFixture.UNIT);
        sync = new SnapshotSync(store, new VerifiedBlobs(store), served,
                () -> new SnapshotVerifier(List.of(fx.ca.rootCertificate()), Clock.systemUTC()), s -> revocation.revoked(s),
                PortalFixture.UNIT, new SnapshotSync.Limits(MAX_FILE, MAX_SNAPSHOT, 0, 3, 4, EnumSet.allOf(SiteNode.Level.class)), fx.telemetry,
                Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        sync.close();
    }

    private SyncOutcome syncCity() throws Exception {
        return sync.sync(fx.manager, fx.manager.index(PortalFixture.CITY.site()).entries().get(0));
    }

    @Test
    void aNewVersionIsFetchedVerifiedAndSwappedInAndOnlyChangedFilesMove() throws Exception {
        Map<String, byte[]> v1 = PortalFixture.pages(1, "index.html", "a.html", "b.html", "news/1.html");
        fx.publish(PortalFixture.CITY, 1, v1);
        SyncOutcome o = syncCity();
        assertEquals(SyncOutcome.Status.ACCEPTED, o.status(), o.message());
        assertEquals(4, o.filesFetched());
        SiteSnapshot s1 = served.get(PortalFixture.CITY.site());
        assertEquals(1, s1.version());
        for (Map.Entry<String, byte[]> e : v1.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(store.blob(PortalFixture.sha(e.getValue()))), e.getKey());
        }

        Map<String, byte[]> v2 = new java.util.TreeMap<>(v1);
        v2.put("a.html", "changed".getBytes(StandardCharsets.UTF_8));
        v2.put("news/2.html", "new page".getBytes(StandardCharsets.UTF_8));
        v2.remove("b.html");
        fx.publish(PortalFixture.CITY, 2, v2);
        fx.manager.asked.clear();
        o = syncCity();
        assertEquals(SyncOutcome.Status.ACCEPTED, o.status(), o.message());
        assertEquals(new TreeSet<>(List.of(PortalFixture.sha(v2.get("a.html")), PortalFixture.sha(v2.get("news/2.html")))),
                new TreeSet<>(fx.manager.asked), "only the changed and the new file were fetched");
        assertEquals(2, served.get(PortalFixture.CITY.site()).version());
        assertEquals(2, store.current(PortalFixture.CITY.site()));
        assertEquals(List.of(2L, 1L), store.versions(PortalFixture.CITY.site()));

        // the same version named again (a retained index after reconnecting): nothing is fetched
        fx.manager.asked.clear();
        int snapshotsBefore = fx.manager.snapshotsAsked.get();
        assertEquals(SyncOutcome.Status.UNCHANGED, syncCity().status());
        assertEquals(snapshotsBefore, fx.manager.snapshotsAsked.get());
        assertTrue(fx.manager.asked.isEmpty());
        assertTrue(fx.telemetry.published.contains(PortalMetrics.APP + "/" + PortalMetrics.SNAPSHOT_RESOURCE));
    }

    @Test
    void keptVersionsArePrunedAndContentNoVersionListsIsDeleted() throws Exception {
        for (int v = 1; v <= 5; v++) {
            fx.publish(PortalFixture.CITY, v, PortalFixture.pages(v, "index.html"));
            assertEquals(SyncOutcome.Status.ACCEPTED, syncCity().status());
        }
        assertEquals(List.of(5L, 4L, 3L), store.versions(PortalFixture.CITY.site()), "keep_versions = 3");
        try (Stream<Path> s = Files.walk(store.root().resolve("blobs"))) {
            assertEquals(3, s.filter(Files::isRegularFile).count(), "the pages of versions 1 and 2 are gone");
        }
    }

    /** Every refusal case of the issue: the served version, its bytes and the pointer on disk stay as they were. */
    @Test
    void badInputIsRefusedByItsCheckAndTheServedSnapshotStays() throws Exception {
        Map<String, byte[]> good = PortalFixture.pages(3, "index.html", "a.html");
        fx.publish(PortalFixture.CITY, 3, good);
        assertEquals(SyncOutcome.Status.ACCEPTED, syncCity().status());
        SiteSnapshot before = served.get(PortalFixture.CITY.site());

        // a foreign CA's portal signer
        KeyPair alien = KeyPairs.p256();
        List<X509Certificate> alienChain = List.of(fx.foreign.issuePortalSigning(alien.getPublic(), "alien"), fx.foreign.issuingCertificate());
        expectRefused(before, "chain", PortalFixture.sign(manifest(4, PortalFixture.pages(4, "index.html")), alien.getPrivate(), alienChain), Map.of());
        // a box certificate, and the isolation-policy signer, of the right CA: not portal signers
        KeyPair boxKey = KeyPairs.p256();
        expectRefused(before, "signer_profile", PortalFixture.sign(manifest(5, PortalFixture.pages(5, "index.html")), boxKey.getPrivate(),
                List.of(fx.ca.issueBox(boxKey.getPublic(), PortalFixture.UNIT, null), fx.ca.issuingCertificate())), Map.of());
        KeyPair policyKey = KeyPairs.p256();
        expectRefused(before, "signer_profile", PortalFixture.sign(manifest(6, PortalFixture.pages(6, "index.html")), policyKey.getPrivate(),
                List.of(fx.ca.issuePolicySigning(policyKey.getPublic(), "policy"), fx.ca.issuingCertificate())), Map.of());
        // the manifest changed after signing
        SignedSnapshot signed = fx.sign(PortalFixture.CITY, 7, PortalFixture.pages(7, "index.html"));
        String json = new String(signed.manifest(), StandardCharsets.US_ASCII);
        expectRefused(before, "signature", new SignedSnapshot(json.replace("\"size\":", "\"size\":1").getBytes(StandardCharsets.US_ASCII),
                signed.signature(), signed.chain()), Map.of());
        // older, and the same version again with other content (rollback, replay)
        expectRefused(before, "version", fx.sign(PortalFixture.CITY, 2, PortalFixture.pages(2, "index.html")), PortalFixture.pages(2, "index.html"));
        expectRefused(before, "version", fx.sign(PortalFixture.CITY, 3, PortalFixture.pages(9, "index.html")), PortalFixture.pages(9, "index.html"));
        // a site of another unit; a manifest of another site under this site's name
        Map<String, byte[]> other = PortalFixture.pages(8, "index.html");
        expectRefused(before, "scope", PortalFixture.sign(new PortalManifest(PortalFixture.OTHER, 8, Instant.now(),
                Instant.now().plus(Duration.ofDays(1)), "'self'", PortalFixture.TREE, List.of(), PortalFixture.listing(other)),
                fx.signerKey.getPrivate(), fx.signerChain), other);
        // paths that would leave the site: signed by the real key (a publisher bug), still refused
        for (String bad : List.of("../../etc/passwd", "/etc/passwd", "a/../../b", "a\\\\b", "a\\u0000b")) {
            SignedSnapshot s = fx.sign(PortalFixture.CITY, 10, PortalFixture.pages(10, "index.html", "zz.html"));
            String m = new String(s.manifest(), StandardCharsets.US_ASCII).replace("\"path\":\"zz.html\"", "\"path\":\"" + bad + "\"");
            java.security.Signature sig = java.security.Signature.getInstance("SHA256withECDSA");
            sig.initSign(fx.signerKey.getPrivate());
            sig.update(m.getBytes(StandardCharsets.US_ASCII));
            expectRefused(before, "path", new SignedSnapshot(m.getBytes(StandardCharsets.US_ASCII), sig.sign(), fx.signerChain), Map.of());
        }
        // a file over the box's limit
        Map<String, byte[]> big = new java.util.TreeMap<>(PortalFixture.pages(11, "index.html"));
        big.put("big.png", new byte[(int) MAX_FILE + 1]);
        expectRefused(before, "size", fx.sign(PortalFixture.CITY, 11, big), big);
        // content whose hash is not the manifest's; content the manager does not deliver; more bytes than stated
        Map<String, byte[]> v12 = PortalFixture.pages(12, "index.html", "x.html");
        byte[] x = v12.get("x.html");
        byte[] evil = new String(x, StandardCharsets.UTF_8).replace("<p>", "<b>").getBytes(StandardCharsets.UTF_8);
        assertEquals(x.length, evil.length, "same length, other content");
        fx.manager.lies.put(PortalFixture.sha(x), evil);
        expectRefused(before, "file_hash", fx.sign(PortalFixture.CITY, 12, v12), v12);
        Map<String, byte[]> v13 = PortalFixture.pages(13, "index.html", "y.html");
        Map<String, byte[]> delivered = new java.util.TreeMap<>(v13);
        delivered.remove("y.html");
        expectRefused(before, "missing", fx.sign(PortalFixture.CITY, 13, v13), delivered);
        Map<String, byte[]> v14 = PortalFixture.pages(14, "index.html", "w.html");
        byte[] longer = (new String(v14.get("w.html"), StandardCharsets.UTF_8) + "<!-- more -->").getBytes(StandardCharsets.UTF_8);
        fx.manager.lies.put(PortalFixture.sha(v14.get("w.html")), longer);
        expectRefused(before, "size", fx.sign(PortalFixture.CITY, 14, v14), v14);
        // a snapshot longer than max.snapshot.bytes (500 files: about 120 KiB), refused before more than the limit is read
        Map<String, byte[]> many = new java.util.TreeMap<>();
        for (int i = 0; i < 500; i++) {
            many.put("news/" + i + ".html", ("<p>" + i + "</p>").getBytes(StandardCharsets.UTF_8));
        }
        many.put("index.html", PortalFixture.pages(17, "index.html").get("index.html"));
        SignedSnapshot huge = fx.sign(PortalFixture.CITY, 17, many);
        assertTrue(huge.encode().length > MAX_SNAPSHOT, "larger than the limit: " + huge.encode().length);
        expectRefused(before, "size", huge, many);
        // a signer the CA revoked
        revocation = signer -> Optional.of("ocsp: revoked at 2026-12-04T00:00:00Z");
        expectRefused(before, "revoked", fx.sign(PortalFixture.CITY, 15, PortalFixture.pages(15, "index.html")), PortalFixture.pages(15, "index.html"));
        revocation = SignerRevocation.NONE;

        assertEquals(18, fx.telemetry.alarms(PortalMetrics.SNAPSHOT_REJECTED_ALARM).size(), "one alarm per refused snapshot");
        // a good version still arrives afterwards
        fx.publish(PortalFixture.CITY, 16, PortalFixture.pages(16, "index.html"));
        assertEquals(SyncOutcome.Status.ACCEPTED, syncCity().status());
        assertEquals(16, served.get(PortalFixture.CITY.site()).version());
    }

    private PortalManifest manifest(long version, Map<String, byte[]> files) {
        return PortalFixture.manifest(PortalFixture.CITY, version, PortalFixture.listing(files), Instant.now(), Duration.ofDays(30), List.of());
    }

    private void expectRefused(SiteSnapshot before, String check, SignedSnapshot s, Map<String, byte[]> content) throws Exception {
        fx.manager.putEnvelope(PortalFixture.CITY.site(), s.encode());
        content.values().forEach(b -> fx.manager.blobs.put(PortalFixture.sha(b), b));
        long currentOnDisk = store.current(PortalFixture.CITY.site());
        List<Long> keptBefore = store.versions(PortalFixture.CITY.site());
        String asked = String.join(",", fx.manager.asked);
        Set<Path> blobsBefore = blobFiles();
        // the index names the new envelope with a version above the floor, so the box fetches it
        PortalIndex.Entry e = new PortalIndex.Entry(PortalFixture.CITY.site(), 1_000, PortalFixture.sha(s.encode()));
        SyncOutcome o = sync.sync(fx.manager, e);
        assertEquals(SyncOutcome.Status.REJECTED, o.status(), o.message());
        assertEquals(check, o.check(), o.message());
        assertSame(before, served.get(PortalFixture.CITY.site()), check + ": the served snapshot is the same object");
        assertEquals(currentOnDisk, store.current(PortalFixture.CITY.site()), check + ": current on disk unchanged");
        assertEquals(keptBefore, store.versions(PortalFixture.CITY.site()), check + ": nothing kept");
        if (!Set.of("file_hash", "missing", "size").contains(check)) {
            assertEquals(asked, String.join(",", fx.manager.asked), check + ": no content fetched for a snapshot that did not verify");
        }
        try (Stream<Path> st = Files.list(store.root().resolve("staging"))) {
            assertEquals(0, st.count(), "no partial file left in staging");
        }
        assertEquals(blobsBefore, blobFiles(), check + ": nothing of a refused snapshot enters the content store");
        // the same refused snapshot named again is not fetched again, and not alarmed again
        int alarms = fx.telemetry.alarms(PortalMetrics.SNAPSHOT_REJECTED_ALARM).size();
        sync.sync(fx.manager, e);
        assertEquals(alarms, fx.telemetry.alarms(PortalMetrics.SNAPSHOT_REJECTED_ALARM).size());
        fx.manager.lies.clear();
    }

    /**
     * The box killed at each step of a swap (what {@code kill -9} or a power cut leaves on disk):
     * the next start serves one whole version, and the new version is taken at the next sync.
     */
    @Test
    void aBoxKilledDuringASwapServesAWholeVersionAtTheNextStartAndTakesTheNewOneAfter() throws Exception {
        Map<String, byte[]> v1 = PortalFixture.pages(1, "index.html", "a.html");
        fx.publish(PortalFixture.CITY, 1, v1);
        assertEquals(SyncOutcome.Status.ACCEPTED, syncCity().status());
        Map<String, byte[]> v2 = PortalFixture.pages(2, "index.html", "a.html");
        SignedSnapshot s2 = fx.publish(PortalFixture.CITY, 2, v2);
        String site = PortalFixture.CITY.site();

        // killed after the content was adopted, before the snapshot was written: version 1 whole, version 2 fetched again
        for (byte[] b : v2.values()) {
            Path blob = store.blob(PortalFixture.sha(b));
            Files.createDirectories(blob.getParent());
            Files.write(blob, b);
        }
        restartAndExpect(site, 1, v1);
        fx.manager.asked.clear();
        assertEquals(SyncOutcome.Status.ACCEPTED, syncCity().status());
        assertTrue(fx.manager.asked.isEmpty(), "the content was on disk: only the snapshot was asked for " + fx.manager.asked);
        assertEquals(2, served.get(site).version());

        // killed after the snapshot was kept, before current was renamed: version 2 kept but not served
        Map<String, byte[]> v3 = PortalFixture.pages(3, "index.html", "a.html");
        SignedSnapshot s3 = fx.publish(PortalFixture.CITY, 3, v3);
        for (byte[] b : v3.values()) {
            Path blob = store.blob(PortalFixture.sha(b));
            Files.createDirectories(blob.getParent());
            Files.write(blob, b);
        }
        store.keep(site, 3, s3.encode());
        restartAndExpect(site, 2, v2);
        assertEquals(2, store.floor(site), "the floor follows current: version 3 is not barred");
        assertEquals(SyncOutcome.Status.ACCEPTED, syncCity().status(), "version 3 is taken at the next sync");
        assertEquals(3, served.get(site).version());
        assertEquals(3, store.floor(site));

        // killed after current was renamed, before the floor was raised: version 3 served, nothing older taken again
        restartAndExpect(site, 3, v3);
        fx.manager.putEnvelope(site, s2.encode());
        assertEquals(SyncOutcome.Status.UNCHANGED, syncCity().status());
        assertEquals(3, served.get(site).version());
    }

    /** A new process on the same state: what it serves is one version, every page of it. */
    private void restartAndExpect(String site, long version, Map<String, byte[]> pages) throws Exception {
        sync.close();
        open();
        sync.restore();
        SiteSnapshot s = served.get(site);
        assertEquals(version, s.version());
        for (Map.Entry<String, byte[]> p : pages.entrySet()) {
            SiteFile f = s.files().get(p.getKey());
            assertEquals(PortalFixture.sha(p.getValue()), f.sha256(), p.getKey() + " of version " + version);
            assertArrayEquals(p.getValue(), Files.readAllBytes(store.blob(f.sha256())));
        }
    }

    private Set<Path> blobFiles() throws Exception {
        try (Stream<Path> st = Files.walk(store.root().resolve("blobs"))) {
            return new TreeSet<>(st.filter(Files::isRegularFile).toList());
        }
    }

    @Test
    void restartServesWhatWasKeptAndTheFloorStillBarsRollback() throws Exception {
        fx.publish(PortalFixture.CITY, 4, PortalFixture.pages(4, "index.html"));
        assertEquals(SyncOutcome.Status.ACCEPTED, syncCity().status());
        fx.publish(PortalFixture.CITY, 5, PortalFixture.pages(5, "index.html"));
        assertEquals(SyncOutcome.Status.ACCEPTED, syncCity().status());
        sync.close();
        open();
        assertNull(served.get(PortalFixture.CITY.site()));
        List<SyncOutcome> restored = sync.restore();
        assertEquals(1, restored.size());
        assertEquals(5, served.get(PortalFixture.CITY.site()).version());

        // the technician rolls back; the manager cannot push version 4 again, and version 6 replaces it
        assertEquals(SyncOutcome.Status.ACCEPTED, sync.rollback(PortalFixture.CITY.site(), 4).status());
        assertEquals(4, served.get(PortalFixture.CITY.site()).version());
        fx.publish(PortalFixture.CITY, 5, PortalFixture.pages(5, "index.html"));
        assertEquals(SyncOutcome.Status.UNCHANGED, syncCity().status(), "version 5 is below the floor: the rollback holds");
        fx.publish(PortalFixture.CITY, 6, PortalFixture.pages(6, "index.html"));
        assertEquals(SyncOutcome.Status.ACCEPTED, syncCity().status());
        assertEquals(6, served.get(PortalFixture.CITY.site()).version());

        // a kept snapshot file damaged on disk: the next older kept version is served at start
        Path current = store.root().resolve("sites").resolve(PortalFixture.CITY.site()).resolve("6.snapshot");
        Files.writeString(current, Files.readString(current).replace("\"manifest\":\"", "\"manifest\":\"AAAA"));
        sync.close();
        open();
        sync.restore();
        assertEquals(5, served.get(PortalFixture.CITY.site()).version(), "version 6 does not verify: 5 is served");
        assertFalse(fx.telemetry.alarms(PortalMetrics.SNAPSHOT_REJECTED_ALARM).isEmpty());
    }

    @Test
    void theManagerDownChangesNothing() throws Exception {
        fx.publish(PortalFixture.CITY, 1, PortalFixture.pages(1, "index.html"));
        assertEquals(SyncOutcome.Status.ACCEPTED, syncCity().status());
        SiteSnapshot before = served.get(PortalFixture.CITY.site());
        fx.manager.down = true;
        List<SyncOutcome> out = sync.syncAll(fx.manager);
        assertEquals(SyncOutcome.Status.UNREACHABLE, out.get(0).status());
        assertSame(before, served.get(PortalFixture.CITY.site()));
        assertTrue(fx.telemetry.alarms(PortalMetrics.SNAPSHOT_REJECTED_ALARM).isEmpty(), "an outage is not a refusal");
    }

    @Test
    void sitesOfLevelsTheBoxDoesNotMirrorAreSkipped() throws Exception {
        sync.close();
        store = new MirrorStore(dir.resolve("state2"));
        served = new ServedSites("", PortalFixture.UNIT);
        sync = new SnapshotSync(store, new VerifiedBlobs(store), served,
                () -> new SnapshotVerifier(List.of(fx.ca.rootCertificate()), Clock.systemUTC()), SignerRevocation.NONE,
                PortalFixture.UNIT, new SnapshotSync.Limits(MAX_FILE, MAX_SNAPSHOT, 0, 3, 4, EnumSet.of(SiteNode.Level.DEPARTMENT, SiteNode.Level.COUNTY)),
                fx.telemetry, Clock.systemUTC());
        fx.publish(PortalFixture.CITY, 1, PortalFixture.pages(1, "index.html"));
        fx.publish(PortalFixture.OWN, 1, PortalFixture.pages(1, "index.html"));
        List<SyncOutcome> out = new ArrayList<>(sync.syncAll(fx.manager));
        out.sort(java.util.Comparator.comparing(SyncOutcome::site));
        assertEquals(SyncOutcome.Status.ACCEPTED, out.get(0).status(), out.toString()); // jyj.jingxiu.gov.cn
        assertEquals(SyncOutcome.Status.SKIPPED, out.get(1).status(), out.toString()); // www.bd.gov.cn
        assertNull(served.get(PortalFixture.CITY.site()));
    }

    /**
     * The link drops during a fetch: nothing is kept or served of that version, no partial file stays,
     * what did arrive is in the content store (forced to disk before it was moved there) and the next
     * try fetches only the rest.
     */
    @Test
    void aFetchBrokenOffKeepsNothingOfTheVersionAndTheNextTryFetchesOnlyTheRest() throws Exception {
        fx.publish(PortalFixture.CITY, 1, PortalFixture.pages(1, "index.html"));
        assertEquals(SyncOutcome.Status.ACCEPTED, syncCity().status());
        SiteSnapshot before = served.get(PortalFixture.CITY.site());
        Map<String, byte[]> v2 = PortalFixture.pages(2, "index.html", "a.html", "b.html", "c.html");
        fx.publish(PortalFixture.CITY, 2, v2);
        String lost = PortalFixture.sha(v2.get("c.html"));
        fx.manager.cut.add(lost);
        SyncOutcome o = syncCity();
        assertEquals(SyncOutcome.Status.UNREACHABLE, o.status(), o.message());
        assertSame(before, served.get(PortalFixture.CITY.site()));
        assertEquals(1, store.current(PortalFixture.CITY.site()));
        assertEquals(List.of(1L), store.versions(PortalFixture.CITY.site()), "version 2 is not kept");
        try (Stream<Path> st = Files.list(store.root().resolve("staging"))) {
            assertEquals(0, st.count(), "no partial file left in staging");
        }
        for (String p : List.of("index.html", "a.html", "b.html")) {
            assertArrayEquals(v2.get(p), Files.readAllBytes(store.blob(PortalFixture.sha(v2.get(p)))), p + " arrived and is kept");
            assertFalse(Files.getPosixFilePermissions(store.blob(PortalFixture.sha(v2.get(p))))
                    .contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE), p + " read-only");
        }
        assertFalse(Files.exists(store.blob(lost)));
        assertTrue(fx.telemetry.alarms(PortalMetrics.SNAPSHOT_REJECTED_ALARM).isEmpty(), "a broken link is not a refusal");

        fx.manager.cut.clear();
        fx.manager.asked.clear();
        o = syncCity();
        assertEquals(SyncOutcome.Status.ACCEPTED, o.status(), o.message());
        assertEquals(List.of(lost), fx.manager.asked, "only the file that did not arrive is fetched again");
        assertEquals(2, served.get(PortalFixture.CITY.site()).version());
    }

}
