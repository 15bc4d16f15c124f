package cn.egov.portal;

import cn.egov.api.portal.NoticeDecision;
import cn.egov.api.portal.PortalIndex;
import cn.egov.api.portal.PortalManifest;
import cn.egov.api.portal.SignedSnapshot;
import cn.egov.api.portal.SiteFile;
import cn.egov.api.portal.SiteNode;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.portal.mirror.ManagerClient;
import cn.egov.rules.unit.UnitCode;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provincial CA with a real portal-signing certificate, a box of unit 130602-001 (the Jingxiu
 * education bureau, site jyj.jingxiu.gov.cn) and the website tree above it; signs site versions
 * and plays the manager's content server in memory (with switches to misbehave).
 */
final class PortalFixture implements AutoCloseable {

    static final char[] PASS = "portal-test-passphrase".toCharArray();
    static final UnitCode UNIT = UnitCode.parse("130602-001");
    static final SiteNode PROVINCE = node("www.hebei.gov.cn", "13", "");
    static final SiteNode CITY = node("www.bd.gov.cn", "1306", "www.hebei.gov.cn");
    static final SiteNode COUNTY = node("www.jingxiu.gov.cn", "130602", "www.bd.gov.cn");
    static final SiteNode OWN = node("jyj.jingxiu.gov.cn", "130602-001", "www.jingxiu.gov.cn");
    static final SiteNode OTHER = node("wjw.jingxiu.gov.cn", "130602-002", "www.jingxiu.gov.cn");
    static final List<SiteNode> TREE = List.of(PROVINCE, CITY, COUNTY, OWN, OTHER);

    final ProvincialCa ca;
    final ProvincialCa foreign;
    final KeyPair signerKey;
    final List<X509Certificate> signerChain;
    final BoxCredentials box;
    final FakeManager manager = new FakeManager();
    final Recording telemetry = new Recording();

    private PortalFixture(ProvincialCa ca, ProvincialCa foreign, KeyPair signerKey, List<X509Certificate> signerChain, BoxCredentials box) {
        this.ca = ca;
        this.foreign = foreign;
        this.signerKey = signerKey;
        this.signerChain = signerChain;
        this.box = box;
    }

    static PortalFixture create(Path dir) throws Exception {
        ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
        ProvincialCa foreign = ProvincialCa.create(dir.resolve("foreign"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
        KeyPair signer = KeyPairs.p256();
        List<X509Certificate> chain = List.of(ca.issuePortalSigning(signer.getPublic(), "test portal signer"), ca.issuingCertificate());
        KeyPair boxKey = KeyPairs.p256();
        X509Certificate boxCert = ca.issueBox(boxKey.getPublic(), UNIT, OWN.site());
        BoxCredentials box = new BoxCredentials(boxKey.getPrivate(), List.of(boxCert, ca.issuingCertificate()),
                List.of(ca.issuingCertificate(), ca.rootCertificate()));
        return new PortalFixture(ca, foreign, signer, chain, box);
    }

    /** The same CA, signer and box, with a new manager and telemetry (per test). */
    PortalFixture fresh() {
        return new PortalFixture(ca, foreign, signerKey, signerChain, box);
    }

    static SiteNode node(String site, String owner, String parent) {
        return new SiteNode(site, owner, parent, SiteNode.defaultMirrors(owner));
    }

    /** A site's files: path to content. */
    static Map<String, byte[]> pages(int version, String... paths) {
        Map<String, byte[]> m = new TreeMap<>();
        for (String p : paths) {
            m.put(p, ("<!DOCTYPE html><html><body><p>" + p + " of version " + version + "</p></body></html>\n").getBytes(StandardCharsets.UTF_8));
        }
        return m;
    }

    static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<SiteFile> listing(Map<String, byte[]> files) {
        List<SiteFile> out = new ArrayList<>();
        files.forEach((p, b) -> out.add(new SiteFile(p, sha(b), b.length, type(p), 1_764_000_000L)));
        return out;
    }

    static String type(String p) {
        return p.endsWith(".css") ? "text/css; charset=utf-8" : p.endsWith(".png") ? "image/png" : p.endsWith(".gz") ? "application/gzip"
                : p.endsWith(".br") ? "application/octet-stream" : "text/html; charset=utf-8";
    }

    static PortalManifest manifest(SiteNode site, long version, List<SiteFile> files, Instant issued, Duration validity,
                                   List<NoticeDecision> notices) {
        return new PortalManifest(site, version, issued, issued.plus(validity), "'self'", TREE, notices, files);
    }

    SignedSnapshot sign(SiteNode site, long version, Map<String, byte[]> files) throws Exception {
        return sign(manifest(site, version, listing(files), Instant.now(), Duration.ofDays(30), List.of()), signerKey.getPrivate(), signerChain);
    }

    static SignedSnapshot sign(PortalManifest m, PrivateKey key, List<X509Certificate> chain) throws Exception {
        return SignedSnapshot.sign(m, key, chain);
    }

    /** Puts a version on the fake manager: its envelope, and its content. */
    SignedSnapshot publish(SiteNode site, long version, Map<String, byte[]> files) throws Exception {
        SignedSnapshot s = sign(site, version, files);
        manager.put(site.site(), s, files);
        return s;
    }

    @Override
    public void close() throws Exception {
        ca.close();
        foreign.close();
    }

    /** The manager's content server, in memory. */
    static final class FakeManager implements ManagerClient {
        final Map<String, byte[]> envelopes = new ConcurrentHashMap<>();
        final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
        /** Content answered instead of the real one, by hash. */
        final Map<String, byte[]> lies = new ConcurrentHashMap<>();
        final List<String> asked = new CopyOnWriteArrayList<>();
        final AtomicInteger snapshotsAsked = new AtomicInteger();
        /** Content whose transfer breaks off (the link drops during the fetch), by hash. */
        final java.util.Set<String> cut = ConcurrentHashMap.newKeySet();
        volatile boolean down;

        void put(String site, SignedSnapshot s, Map<String, byte[]> files) {
            envelopes.put(site, s.encode());
            files.values().forEach(b -> blobs.put(sha(b), b));
        }

        void putEnvelope(String site, byte[] envelope) {
            envelopes.put(site, envelope);
        }

        PortalIndex index(String... sites) throws Exception {
            List<PortalIndex.Entry> es = new ArrayList<>();
            for (String site : sites) {
                byte[] env = envelopes.get(site);
                long v = cn.egov.api.portal.PortalManifest.parse(SignedSnapshot.decode(env).manifest()).version();
                es.add(new PortalIndex.Entry(site, v, sha(env)));
            }
            return new PortalIndex(es);
        }

        @Override
        public byte[] index() throws IOException {
            if (down) {
                throw new IOException("connect timed out (backbone down)");
            }
            try {
                return index(envelopes.keySet().toArray(String[]::new)).encode();
            } catch (Exception e) {
                throw new IOException(e);
            }
        }

        @Override
        public byte[] snapshot(String site, int maxBytes) throws IOException {
            if (down) {
                throw new IOException("connect timed out (backbone down)");
            }
            snapshotsAsked.incrementAndGet();
            byte[] e = envelopes.get(site);
            if (e == null) {
                throw new FileNotFoundException(site);
            }
            if (e.length > maxBytes) {
                throw new TooLarge("snapshot of " + site + ": answer larger than " + maxBytes + " bytes");
            }
            return e;
        }

        @Override
        public InputStream blob(String sha256) throws IOException {
            if (down) {
                throw new IOException("connect timed out (backbone down)");
            }
            asked.add(sha256);
            if (cut.contains(sha256)) {
                throw new IOException("connection reset (link dropped)");
            }
            byte[] b = lies.containsKey(sha256) ? lies.get(sha256) : blobs.get(sha256);
            if (b == null) {
                throw new FileNotFoundException("no content " + sha256);
            }
            return new ByteArrayInputStream(b);
        }
    }

    /** Telemetry as a list: what the box reported and alarmed. */
    static final class Recording implements TelemetryPublisher {
        final List<String> published = new CopyOnWriteArrayList<>();
        final List<KuraPayload> payloads = new CopyOnWriteArrayList<>();
        final List<Alarm> alarms = new CopyOnWriteArrayList<>();

        @Override
        public void publish(String appId, String resource, KuraPayload payload, int priority) {
            published.add(appId + "/" + resource);
            payloads.add(payload);
        }

        @Override
        public void alarm(Alarm alarm) {
            alarms.add(alarm);
        }

        List<Alarm> alarms(String kind) {
            return alarms.stream().filter(a -> a.kind().equals(kind)).toList();
        }
    }
}
