package cn.egov.manager.policy.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.policy.PolicyBundleException;
import cn.egov.api.policy.PolicyBundleException.Check;
import cn.egov.api.policy.PolicyBundleVerifier;
import cn.egov.api.policy.PolicyFile;
import cn.egov.api.policy.PolicyManifest;
import cn.egov.api.policy.PolicyScope;
import cn.egov.api.policy.SignedPolicyBundle;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.store.Database;
import cn.egov.rules.unit.UnitCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signed policy format against the real provincial CA: what the manager signs, a box accepts;
 * every kind of forgery is refused by the check that names it, before any file is used.
 */
class PolicyBundleSigningTest {

    private static final char[] PASS = "policy-test-passphrase".toCharArray();
    private static final UnitCode UNIT = UnitCode.parse("130602-001");
    private static final Path BASELINE = Path.of("../rules/policy/baseline");

    @TempDir
    static Path dir;
    private static ProvincialCa ca;
    private static ProvincialCa foreign;
    private static PolicySigningKey signer;
    private static PolicyBundleVerifier verifier;

    @BeforeAll
    static void setUp() throws Exception {
        ca = ProvincialCa.create(dir.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
        foreign = ProvincialCa.create(dir.resolve("foreign"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
        signer = PolicySigningKey.loadOrIssue(ca, dir.resolve("ca").resolve(PolicySigningKey.FILE), PASS);
        verifier = new PolicyBundleVerifier(List.of(ca.rootCertificate()), Clock.systemUTC());
    }

    @AfterAll
    static void tearDown() throws Exception {
        ca.close();
        foreign.close();
    }

    static Map<String, String> baseline() throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(BASELINE)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".policy")).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return files;
    }

    private static PolicyManifest manifest(long serial, String scope) throws Exception {
        List<PolicyFile> files = new ArrayList<>();
        for (Map.Entry<String, String> e : baseline().entrySet()) {
            files.add(new PolicyFile(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        return new PolicyManifest("hebei-baseline", "2026.11-1", serial, Instant.now(), PolicyScope.parse(scope), files);
    }

    private static Check refusal(SignedPolicyBundle b, long inForce) {
        return assertThrows(PolicyBundleException.class, () -> verifier.verify(b, UNIT, inForce)).check();
    }

    @Test
    void aBundleTheManagerSignsIsAcceptedAfterTheWireRoundTrip() throws Exception {
        PolicyManifest m = manifest(7, "county:130602");
        SignedPolicyBundle back = SignedPolicyBundle.decode(signer.sign(m).encode());
        PolicyManifest ok = verifier.verify(back, UNIT, 6);
        assertEquals(7, ok.serial());
        assertEquals(m.files(), ok.files());
        assertArrayEquals(Files.readAllBytes(BASELINE.resolve("10-zones.policy")),
                ok.files().stream().filter(f -> f.name().equals("10-zones.policy")).findFirst().orElseThrow().content());
        List<PolicyFile> reversed = new ArrayList<>(m.files());
        java.util.Collections.reverse(reversed);
        assertArrayEquals(m.toBytes(), new PolicyManifest(m.policyName(), m.policyVersion(), 7, m.issuedAt(), m.scope(), reversed).toBytes(),
                "canonical bytes whatever the order the files were given in");
    }

    @Test
    void changedFileContentBreaksTheSignature() throws Exception {
        SignedPolicyBundle good = signer.sign(manifest(8, "unit:130602-001"));
        String json = new String(good.manifest(), StandardCharsets.US_ASCII);
        String original = Base64.getEncoder().encodeToString(Files.readAllBytes(BASELINE.resolve("30-rules.policy")));
        String tampered = Base64.getEncoder().encodeToString(Files.readString(BASELINE.resolve("30-rules.policy"))
                .replace("action drop", "action accept").replace("never", "never ").getBytes(StandardCharsets.UTF_8));
        assertTrue(json.contains(original));
        SignedPolicyBundle forged = new SignedPolicyBundle(json.replace(original, tampered).getBytes(StandardCharsets.US_ASCII),
                good.signature(), good.chain());
        assertEquals(Check.SIGNATURE, refusal(forged, 0));
    }

    @Test
    void aBoxCertificateCannotSignPolicy() throws Exception {
        KeyPair box = KeyPairs.p256();
        X509Certificate boxCert = ca.issueBox(box.getPublic(), UNIT, "slj.bd.gov.cn");
        SignedPolicyBundle b = SignedPolicyBundle.sign(manifest(9, "unit:130602-001"), box.getPrivate(),
                List.of(boxCert, ca.issuingCertificate()));
        PolicyBundleException e = assertThrows(PolicyBundleException.class, () -> verifier.verify(b, UNIT, 0));
        assertEquals(Check.SIGNER_PROFILE, e.check());
        assertTrue(e.getMessage().contains("not a policy-signing certificate"), e.getMessage());
    }

    @Test
    void aForeignCaIsRefusedEvenWithThePolicySigningProfile() throws Exception {
        PolicySigningKey alien = PolicySigningKey.loadOrIssue(foreign, dir.resolve("foreign").resolve(PolicySigningKey.FILE), PASS);
        PolicyBundleException e = assertThrows(PolicyBundleException.class,
                () -> verifier.verify(alien.sign(manifest(10, "unit:130602-001")), UNIT, 0));
        assertEquals(Check.CHAIN, e.check());
        assertTrue(e.getMessage().contains("does not chain to a trusted provincial root"), e.getMessage());
    }

    @Test
    void aHashThatDoesNotMatchItsFileIsRefusedEvenWhenSigned() throws Exception {
        // a signer bug or a hand-made manifest: the signature is good, the entry's hash is not
        String json = new String(manifest(11, "unit:130602-001").toBytes(), StandardCharsets.US_ASCII);
        String realHash = new PolicyFile("10-zones.policy", Files.readAllBytes(BASELINE.resolve("10-zones.policy"))).sha256();
        byte[] bad = json.replace(realHash, "0".repeat(64)).getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(signer.key());
        s.update(bad);
        PolicyBundleException e = assertThrows(PolicyBundleException.class,
                () -> verifier.verify(new SignedPolicyBundle(bad, s.sign(), signer.chain()), UNIT, 0));
        assertEquals(Check.FILE_HASH, e.check());
        assertTrue(e.getMessage().contains("10-zones.policy"), e.getMessage());
    }

    @Test
    void anotherUnitsScopeAndOldOrReplayedSerialsAreRefused() throws Exception {
        assertEquals(Check.SCOPE, refusal(signer.sign(manifest(12, "unit:130602-002")), 0));
        assertEquals(Check.SCOPE, refusal(signer.sign(manifest(12, "city:1301")), 0));
        assertEquals(Check.SERIAL, refusal(signer.sign(manifest(12, "province:13")), 12), "replay of the serial in force");
        assertEquals(Check.SERIAL, refusal(signer.sign(manifest(5, "province:13")), 12), "rollback");
        assertEquals(13, verifier.verify(signer.sign(manifest(13, "province:13")), UNIT, 12).serial());
    }

    @Test
    void anAcceptedBundleStillReverifiesAfterItsSignerExpiredButANewOneDoesNot() throws Exception {
        SignedPolicyBundle b = signer.sign(manifest(15, "unit:130602-001"));
        Clock later = Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(3 * 365));
        PolicyBundleVerifier afterExpiry = new PolicyBundleVerifier(List.of(ca.rootCertificate()), later);
        PolicyBundleException e = assertThrows(PolicyBundleException.class, () -> afterExpiry.verify(b, UNIT, 0));
        assertEquals(Check.CHAIN, e.check(), e.getMessage());
        assertEquals(15, afterExpiry.reverify(b, UNIT).serial(), "checked as of its issued_at");
        Clock earlier = Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(-1));
        PolicyBundleVerifier skewed = new PolicyBundleVerifier(List.of(ca.rootCertificate()), earlier);
        assertEquals(Check.CHAIN, assertThrows(PolicyBundleException.class, () -> skewed.reverify(b, UNIT)).check(),
                "issued in the future");
        assertEquals(Check.SCOPE, assertThrows(PolicyBundleException.class,
                () -> afterExpiry.reverify(b, UnitCode.parse("130602-002"))).check(), "reverify keeps every other check");
    }

    @Test
    void malformedEnvelopesNameTheField() throws Exception {
        PolicyBundleException e = assertThrows(PolicyBundleException.class,
                () -> SignedPolicyBundle.decode("{\"format\":\"egov-signed-policy/1\"}".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Check.FORMAT, e.check());
        assertTrue(e.getMessage().contains("'signature_algorithm'"), e.getMessage());
        e = assertThrows(PolicyBundleException.class, () -> SignedPolicyBundle.decode("{\"format\":".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
        // a file name that would leave the policy directory, signed by the right key: refused as malformed
        String json = new String(manifest(14, "unit:130602-001").toBytes(), StandardCharsets.US_ASCII)
                .replace("\"10-zones.policy\"", "\"../../etc/x.policy\"");
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(signer.key());
        s.update(json.getBytes(StandardCharsets.US_ASCII));
        SignedPolicyBundle b = new SignedPolicyBundle(json.getBytes(StandardCharsets.US_ASCII), s.sign(), signer.chain());
        e = assertThrows(PolicyBundleException.class, () -> verifier.verify(b, UNIT, 0));
        assertEquals(Check.FORMAT, e.check());
        assertTrue(e.getMessage().contains("files[0].name"), e.getMessage());
    }

    @Test
    void theSigningKeyIsKeptAndReloaded() throws Exception {
        PolicySigningKey again = PolicySigningKey.loadOrIssue(ca, dir.resolve("ca").resolve(PolicySigningKey.FILE), PASS);
        assertEquals(signer.certificate(), again.certificate());
        assertTrue(signer.certificate().getExtendedKeyUsage().contains(cn.egov.api.policy.PolicySigning.POLICY_SIGNING_EKU));
    }

    @Test
    void aRevokedSigningKeyIsReplacedAtTheNextLoad() throws Exception {
        Path file = dir.resolve("revoked-signer.p12");
        PolicySigningKey first = PolicySigningKey.loadOrIssue(ca, file, PASS);
        assertEquals(first.certificate(), PolicySigningKey.loadOrIssue(ca, file, PASS).certificate());
        ca.revoke(first.certificate().getSerialNumber(), cn.egov.manager.ca.RevocationReason.keyCompromise);
        PolicySigningKey next = PolicySigningKey.loadOrIssue(ca, file, PASS);
        assertTrue(!next.certificate().getSerialNumber().equals(first.certificate().getSerialNumber()), "a new key after revocation");
        assertEquals(next.certificate(), PolicySigningKey.loadOrIssue(ca, file, PASS).certificate(), "and it is kept");
    }

    @Test
    void theManagerNeverSignsAnInvalidPolicyAndSerialsOnlyGrow() throws Exception {
        Database db = Database.open("jdbc:sqlite:" + dir.resolve("manager.db"));
        PolicyBundleStore store = new PolicyBundleStore(db);
        List<String> published = new ArrayList<>();
        PolicyDistributor d = new PolicyDistributor(store, signer, (topic, payload, retained) -> published.add(topic + " " + retained),
                () -> List.of("130602-001", "130602-002", "130603-001", "not-a-unit"), "hebei", Clock.systemUTC());
        Map<String, String> broken = new TreeMap<>(baseline());
        broken.put("30-rules.policy", broken.get("30-rules.policy") + "\nflow bad\n    from nowhere\n");
        PolicyRefusedException e = assertThrows(PolicyRefusedException.class, () -> d.publish(broken, PolicyScope.parse("county:130602"), "noc"));
        assertTrue(e.findings().stream().anyMatch(f -> f.isError() && f.origin().file().equals("30-rules.policy") && f.origin().line() > 0),
                e.findings().toString());
        assertTrue(published.isEmpty());
        assertEquals(1, store.nextSerial(), "nothing signed, no serial used");

        // valid, but the box could reach nothing, not even the manager: once sent, no fix could follow
        Map<String, String> cutOff = new TreeMap<>(baseline());
        cutOff.put("30-rules.policy", String.join("\n\n", java.util.Arrays.stream(cutOff.get("30-rules.policy").split("\n\n"))
                .filter(section -> !section.contains("from box")).toList()));
        PolicyRefusedException isolated = assertThrows(PolicyRefusedException.class,
                () -> d.publish(cutOff, PolicyScope.parse("county:130602"), "noc"));
        assertTrue(isolated.findings().stream().anyMatch(f -> f.code().equals(cn.egov.rules.policy.PolicyValidator.BOX_CUT_OFF)),
                isolated.findings().toString());
        assertTrue(published.isEmpty());
        assertEquals(1, store.nextSerial(), "nothing signed, no serial used");

        PolicyDistributor.Outcome first = d.publish(baseline(), PolicyScope.parse("county:130602"), "noc");
        assertEquals(1, first.bundle().serial());
        assertEquals(List.of("130602-001", "130602-002"), first.units());
        assertEquals(List.of("$EDC/hebei/130602-001/POLICY/PUT/bundle true", "$EDC/hebei/130602-002/POLICY/PUT/bundle true"), published);
        PolicyDistributor.Outcome second = d.publish(baseline(), PolicyScope.parse("unit:130699-001"), "noc");
        assertEquals(2, second.bundle().serial());
        assertEquals(List.of("130699-001"), second.units(), "a named unit is targeted even before it ever connected");
        assertEquals(2, store.lastSent().get("130602-001").serial() + 1);
        assertEquals("noc", store.history(10).get(1).get("issuedBy"));
        // a box of the county that connects later gets serial 1 once; the one that had it gets nothing
        assertEquals(1, d.catchUp(UnitCode.parse("130602-009")));
        assertEquals(0, d.catchUp(UnitCode.parse("130602-009")));
        assertEquals(0, d.catchUp(UnitCode.parse("130602-001")));
        PolicyManifest sent = verifier.verify(SignedPolicyBundle.decode(first.bundle().envelope()), UNIT, 0);
        assertEquals("county:130602", sent.scope().toString());
    }
}
