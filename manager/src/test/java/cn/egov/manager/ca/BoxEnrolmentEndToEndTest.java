package cn.egov.manager.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.pki.CertificateMaintenance;
import cn.egov.pki.check.RenewalPolicy;
import cn.egov.pki.check.RevocationChecker;
import cn.egov.pki.est.BoxEnrolment;
import cn.egov.pki.est.EstClient;
import cn.egov.pki.est.EstException;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.rules.unit.UnitCode;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The box's PKI bundle (plain classes) against the manager's real EST, OCSP and CRL server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BoxEnrolmentEndToEndTest {

    static final char[] PASS = "e2e passphrase".toCharArray();

    @TempDir
    static Path dir;
    ProvincialCa ca;
    CrlPublisher crls;
    CaHttpServer server;
    URI est;

    /** A TelemetryPublisher that records what the box would send. */
    record Sent(String appId, String resource, KuraPayload payload, int priority) {
    }

    final List<Sent> sent = new ArrayList<>();
    final TelemetryPublisher telemetry = (a, r, p, prio) -> sent.add(new Sent(a, r, p, prio));

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
        est = URI.create("https://127.0.0.1:" + server.httpsPort());
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        crls.close();
        ca.close();
    }

    @Test
    void bootstrapTrustsTheManagerOnlyWithTheConfirmedRootFingerprint() throws Exception {
        List<X509Certificate> cas = EstClient.bootstrapCaCerts(est, EstClient.fingerprint(ca.rootCertificate()));
        assertEquals(ca.rootCertificate(), cas.get(0));
        assertTrue(cas.contains(ca.issuingCertificate()));

        String wrong = "00:".repeat(31) + "00";
        EstException e = assertThrows(EstException.class, () -> EstClient.bootstrapCaCerts(est, wrong));
        assertTrue(e.getMessage().contains("confirmed fingerprint"), e.getMessage());
    }

    @Test
    void enrolThenRenewAtTwoThirdsThenPeersAreCheckedForRevocation() throws Exception {
        UnitCode unit = UnitCode.parse("130602-002");
        EnrolmentToken token = ca.newToken(unit, "wjw.jingxiu.gov.cn", Duration.ofHours(1));
        BoxKeyStore store = new BoxKeyStore(dir.resolve("box/box.p12"), "box-pw".toCharArray());
        BoxEnrolment enrolment = new BoxEnrolment(est, store);
        List<X509Certificate> cas = EstClient.bootstrapCaCerts(est, EstClient.fingerprint(ca.rootCertificate()));
        BoxCredentials first = enrolment.enrol(unit, token.secret(), cas);
        assertEquals(unit, BoxEnrolment.unitOf(first.certificate()));
        assertEquals(first.certificate(), store.load().orElseThrow().certificate());

        // replayed token: refused by the server with its reason, key store unchanged
        EstException replay = assertThrows(EstException.class, () -> enrolment.enrol(unit, token.secret(), cas));
        assertEquals(401, replay.status());
        assertTrue(replay.getMessage().contains("already used"), replay.getMessage());
        assertEquals(first.certificate(), store.load().orElseThrow().certificate());

        // before two thirds: state reported, no renewal
        RenewalPolicy policy = new RenewalPolicy(RenewalPolicy.DEFAULT_FRACTION);
        Clock early = Clock.fixed(first.certificate().getNotBefore().toInstant().plus(Duration.ofDays(10)), ZoneOffset.UTC);
        new CertificateMaintenance(store, enrolment, policy, List.of(), telemetry, early).runOnce();
        assertEquals(first.certificate(), store.load().orElseThrow().certificate());
        Sent state = last("PKI", "certificate");
        assertEquals(first.certificate().getSerialNumber().toString(16).toUpperCase(), state.payload().stringMetric("serial"));

        // at two thirds: simplereenroll with the current certificate, new key, same unit and domain
        Clock due = Clock.fixed(policy.renewAt(first.certificate()).plusSeconds(1), ZoneOffset.UTC);
        CertificateMaintenance maintenance = new CertificateMaintenance(store, enrolment, policy, List.of(), telemetry, due);
        maintenance.runOnce();
        BoxCredentials renewed = store.load().orElseThrow();
        assertNotEquals(first.certificate().getSerialNumber(), renewed.certificate().getSerialNumber());
        assertNotEquals(first.certificate().getPublicKey(), renewed.certificate().getPublicKey());
        assertEquals(first.certificate().getSubjectX500Principal(), renewed.certificate().getSubjectX500Principal());
        assertEquals(renewed.certificate().getSerialNumber().toString(16).toUpperCase(),
                last("PKI", "certificate").payload().stringMetric("serial"));

        // peers' revocation: OCSP says good, then revoked; the CRL agrees
        RevocationChecker.Result viaOcsp = new RevocationChecker().checkOcsp(first.certificate(), ca.issuingCertificate());
        assertEquals(RevocationChecker.Status.GOOD, viaOcsp.status(), viaOcsp.detail());
        RevocationChecker.Result good = maintenance.checkPeer(first.certificate());
        assertEquals(RevocationChecker.Status.GOOD, good.status(), good.detail());
        assertEquals("ocsp", good.source());
        ca.revoke(first.certificate().getSerialNumber(), RevocationReason.superseded);
        crls.publishNow();
        RevocationChecker.Result revoked = maintenance.checkPeer(first.certificate());
        assertEquals(RevocationChecker.Status.REVOKED, revoked.status(), revoked.detail());
        RevocationChecker.Result byCrl = new RevocationChecker().checkCrl(first.certificate(), ca.issuingCertificate());
        assertEquals(RevocationChecker.Status.REVOKED, byCrl.status(), byCrl.detail());
        assertEquals(RevocationChecker.Status.GOOD, new RevocationChecker().checkCrl(renewed.certificate(), ca.issuingCertificate()).status());

        // a revoked box cannot renew: the server refuses, the box raises an alarm
        ca.revoke(renewed.certificate().getSerialNumber(), RevocationReason.keyCompromise);
        Clock later = Clock.fixed(policy.renewAt(renewed.certificate()).plusSeconds(1), ZoneOffset.UTC);
        new CertificateMaintenance(store, enrolment, policy, List.of(), telemetry, later).runOnce();
        Sent alarm = last("ALARM", CertificateMaintenance.ALARM_RENEWAL_FAILED);
        assertTrue(alarm.payload().stringMetric("message").contains("revoked"), alarm.payload().stringMetric("message"));
        assertEquals(renewed.certificate(), store.load().orElseThrow().certificate());
    }

    @Test
    void aForeignCaInABoxTrustStoreIsAFinding() throws Exception {
        UnitCode unit = UnitCode.parse("130681-003");
        BoxKeyStore store = new BoxKeyStore(dir.resolve("box4/box.p12"), new char[0]);
        BoxEnrolment enrolment = new BoxEnrolment(est, store);
        enrolment.enrol(unit, ca.newToken(unit, null, Duration.ofHours(1)).secret(),
                EstClient.bootstrapCaCerts(est, EstClient.fingerprint(ca.rootCertificate())));
        Path x509ca = Files.createDirectories(dir.resolve("box4/x509ca"));
        PemFiles.write(x509ca.resolve("provincial.pem"), ca.rootCertificate());
        Commands.run(x509ca, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "/dev/null", "-subj", "/CN=Vendor Test CA", "-days", "5", "-out", "vendor.pem").expectOk();
        CertificateMaintenance maintenance = new CertificateMaintenance(store, enrolment,
                new RenewalPolicy(RenewalPolicy.DEFAULT_FRACTION), List.of(x509ca), telemetry, Clock.systemUTC());
        int before = sent.size(); // the class shares one telemetry recorder; count this test's alarms only
        maintenance.runOnce();
        maintenance.runOnce(); // a standing finding is alarmed once, not every pass
        Sent finding = last("ALARM", CertificateMaintenance.ALARM_FOREIGN_CA);
        assertTrue(finding.payload().stringMetric("message").contains("Vendor Test CA"));
        assertEquals(x509ca.resolve("vendor.pem").toString(), finding.payload().stringMetric("evidence.file"));
        assertEquals(1, sent.subList(before, sent.size()).stream()
                        .filter(s -> s.resource().equals(CertificateMaintenance.ALARM_FOREIGN_CA)).count(),
                "the provincial root in the same folder is not a finding");
    }

    private Sent last(String app, String resource) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (sent.get(i).appId().equals(app) && sent.get(i).resource().equals(resource)) {
                return sent.get(i);
            }
        }
        throw new AssertionError("nothing sent on " + app + "/" + resource + "; sent: " + sent);
    }
}
