package cn.egov.api.portal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.policy.PolicyScope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.Test;

class PortalManifestTest {

    static final SiteNode PROVINCE = new SiteNode("www.hebei.gov.cn", "13", "", PolicyScope.parse("province:13"));
    static final SiteNode CITY = new SiteNode("www.bd.gov.cn", "1306", "www.hebei.gov.cn", PolicyScope.parse("city:1306"));

    static PortalManifest manifest(long version, List<SiteFile> files) {
        Instant at = Instant.parse("2026-12-04T10:00:00Z");
        return new PortalManifest(CITY, version, at, at.plusSeconds(30 * 86400), "'self' https://www.hebei.gov.cn",
                List.of(PROVINCE, CITY), List.of(new NoticeDecision("130600-000-1764820000000-3fa1", NoticeDecision.State.FOLDED)), files);
    }

    static SiteFile file(String path, int n) {
        return new SiteFile(path, String.format("%064x", n), 100L * n, "text/html; charset=utf-8", 1_764_756_000L + n);
    }

    @Test
    void bytesAreRfc8785AsTheReferenceImplementationWritesThem() throws Exception {
        Random r = new Random(8785);
        List<SiteFile> files = new ArrayList<>();
        String chars = "abcXYZ019._~+@,=-";
        for (int i = 0; i < 300; i++) {
            StringBuilder p = new StringBuilder();
            for (int k = 0; k < 1 + r.nextInt(20); k++) {
                p.append(chars.charAt(r.nextInt(chars.length())));
            }
            String path = "d" + (i % 7) + "/" + p + i;
            if (SitePath.problem(path).isEmpty()) {
                files.add(new SiteFile(path, String.format("%064x", r.nextLong() & Long.MAX_VALUE), r.nextInt(1 << 30),
                        i % 2 == 0 ? "image/png" : "text/css; charset=utf-8", (1L << 53) - 1 - i));
            }
        }
        byte[] ours = manifest((1L << 53) - 1, files).toBytes();
        String reference = new JsonCanonicalizer(new String(ours, StandardCharsets.UTF_8)).getEncodedString();
        assertEquals(reference, new String(ours, StandardCharsets.US_ASCII));
    }

    @Test
    void integersBeyondWhatRfc8785WritesExactlyAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SiteFile("a.html", String.format("%064x", 1), 1L << 54, "text/html", 0L));
        assertTrue(e.getMessage().contains("size"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> manifest(1L << 53, List.of()));
    }

    @Test
    void parseGivesBackTheSameManifest() throws Exception {
        PortalManifest m = manifest(7, List.of(file("index.html", 1), file("css/site.css", 2), file("news/2026/1203.html", 3)));
        PortalManifest back = PortalManifest.parse(m.toBytes());
        assertEquals(m, back);
        assertArrayEquals(m.toBytes(), back.toBytes());
        assertEquals("css/site.css", back.files().get(0).path(), "files are kept in path order");
        assertEquals(NoticeDecision.State.FOLDED, back.decision("130600-000-1764820000000-3fa1").orElseThrow());
    }

    @Test
    void pathsThatCouldLeaveTheSiteAreRefusedAsPathNamingTheEntry() {
        for (String bad : List.of("../etc/passwd", "a/../../b", "/etc/passwd", "a\\b", "a\u0000b", "a//b", "./a", "a/", "",
                "a b", "%2e%2e/x", "ü.html")) {
            String json = new String(manifest(1, List.of(file("index.html", 1))).toBytes(), StandardCharsets.US_ASCII)
                    .replace("\"path\":\"index.html\"", "\"path\":\"" + bad.replace("\\", "\\\\").replace("\u0000", "\\u0000") + "\"");
            SnapshotException e = assertThrows(SnapshotException.class,
                    () -> PortalManifest.parse(json.getBytes(StandardCharsets.UTF_8)), bad);
            assertEquals(SnapshotException.Check.PATH, e.check(), bad + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("files[0]"), e.getMessage());
        }
    }

    @Test
    void malformedManifestsNameTheField() {
        String good = new String(manifest(1, List.of(file("index.html", 1))).toBytes(), StandardCharsets.US_ASCII);
        expectFormat(good.replace("\"version\":1", "\"version\":\"1\""), "version");
        expectFormat(good.replace("\"sha256\":\"", "\"sha256\":\"x"), "sha256");
        expectFormat(good.replace("\"format\":\"egov-portal-manifest/1\"", "\"format\":\"egov-policy-manifest/1\""), "format");
        String otherSite = good.replace("\"site\":\"www.bd.gov.cn\",\"tree\"", "\"site\":\"www.sjz.gov.cn\",\"tree\"");
        assertTrue(!otherSite.equals(good));
        expectFormat(otherSite, "tree");
        expectFormat(good.replace("\"frame_ancestors\":\"'self' https://www.hebei.gov.cn\"", "\"frame_ancestors\":\"*; script-src *\""),
                "frame_ancestors");
        expectFormat("{\"files\":", "not valid JSON");
    }

    private static void expectFormat(String json, String mention) {
        SnapshotException e = assertThrows(SnapshotException.class, () -> PortalManifest.parse(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(SnapshotException.Check.FORMAT, e.check(), e.getMessage());
        assertTrue(e.getMessage().contains(mention), mention + " not in: " + e.getMessage());
    }

    @Test
    void indexRoundTrips() throws Exception {
        PortalIndex i = new PortalIndex(List.of(new PortalIndex.Entry("www.hebei.gov.cn", 3, "a".repeat(64)),
                new PortalIndex.Entry("www.bd.gov.cn", 9, "b".repeat(64))));
        assertEquals(i, PortalIndex.parse(i.encode()));
        assertEquals("www.bd.gov.cn", i.entries().get(0).site());
        assertThrows(SnapshotException.class, () -> PortalIndex.parse("{\"sites\":[{\"site\":\"../x\",\"version\":1,\"sha256\":\"\"}]}"
                .getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void ownersSpeakForTheirSites() {
        assertTrue(CITY.ownedBy(cn.egov.rules.unit.UnitCode.parse("130600-000")));
        assertTrue(PROVINCE.ownedBy(cn.egov.rules.unit.UnitCode.parse("130000-000")));
        assertTrue(!CITY.ownedBy(cn.egov.rules.unit.UnitCode.parse("130600-012")));
        SiteNode dept = new SiteNode("slj.bd.gov.cn", "130600-012", "www.bd.gov.cn", SiteNode.defaultMirrors("130600-012"));
        assertTrue(dept.ownedBy(cn.egov.rules.unit.UnitCode.parse("130600-012")));
        assertTrue(!dept.ownedBy(cn.egov.rules.unit.UnitCode.parse("130600-000")));
        SiteNode county = new SiteNode("www.jingxiu.gov.cn", "130602", "www.bd.gov.cn", SiteNode.defaultMirrors("130602"));
        assertTrue(county.ownedBy(cn.egov.rules.unit.UnitCode.parse("130602-000")));
        assertEquals("county:130602", county.mirrors().toString());
    }

    /** A notice is shown on a site and in the NOC's lists: text, with line breaks in the body only. */
    @Test
    void noticesRefuseControlCharacters() {
        Instant t = Instant.parse("2026-12-04T10:00:00Z");
        String id = "130602-001-1764842400000-ab12";
        EmergencyNotice ok = new EmergencyNotice(id, "jyj.jingxiu.gov.cn", "130602-001", "停水通知", "明日停水。\n请储水。\t谢谢", t);
        assertEquals("停水通知", ok.title());
        for (String[] bad : new String[][]{{"a\u001b[31mb", "x"}, {"a\rb", "x"}, {"a\u0085b", "x"}, {"t", "a\u0000b"}, {"t", "a\u001bb"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new EmergencyNotice(id, "jyj.jingxiu.gov.cn", "130602-001", bad[0], bad[1], t));
            assertTrue(e.getMessage().contains("control characters"), e.getMessage());
        }
    }
}
