package cn.egov.isolation.signed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.policy.PolicyBundleVerifier;
import cn.egov.api.policy.PolicyFile;
import cn.egov.api.policy.PolicyManifest;
import cn.egov.api.policy.PolicyScope;
import cn.egov.api.policy.PolicySigning;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.isolation.enforce.ApplyResult;
import cn.egov.isolation.enforce.PolicyApplier;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.ca.RevocationReason;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.pki.check.RevocationChecker;
import cn.egov.rules.unit.UnitCode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver's own decisions, with a real CA and signer but the apply step recorded instead of
 * run (the netns end-to-end test runs it for real): a verified policy the enforcer refuses is
 * not kept and does not move the serial; no trusted root and malformed payloads are refused with
 * their check; only an applied bundle is persisted and restored.
 */
class PolicyBundleReceiverTest {

    private static final char[] PASS = "receiver-test".toCharArray();
    private static final UnitCode UNIT = UnitCode.parse("130602-001");

    @TempDir
    static Path caDir;
    @TempDir
    Path state;
    private static ProvincialCa ca;
    private static PolicySigningKey key;

    private final List<Path> applied = new ArrayList<>();
    private final List<Alarm> alarms = new ArrayList<>();
    private final List<KuraPayload> reports = new ArrayList<>();
    private final TelemetryPublisher telemetry = new TelemetryPublisher() {
        @Override
        public void publish(String appId, String resource, KuraPayload payload, int priority) {
            if (appId.equals(Alarm.APP_ID)) {
                alarms.add(Alarm.fromPayload(resource, payload));
            } else if (resource.equals(PolicySigning.REPORT_RESOURCE)) {
                reports.add(payload);
            }
        }
    };

    @BeforeAll
    static void ca() throws Exception {
        ca = ProvincialCa.create(caDir.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
        key = PolicySigningKey.loadOrIssue(ca, caDir.resolve("signer.p12"), PASS);
    }

    @AfterAll
    static void close() throws Exception {
        ca.close();
    }

    private PolicyBundleReceiver receiver(ApplyResult.Status outcome, Supplier<PolicyBundleVerifier> verifiers) {
        PolicyApplier applier = dir -> {
            applied.add(dir);
            assertTrue(Files.exists(dir.resolve("10-zones.policy")), "the verified files are staged for the enforcer");
            return new ApplyResult(outcome, "lab 1", List.of(), outcome == ApplyResult.Status.REJECTED
                    ? "nft refused the ruleset; the previous ruleset stays in force: Error: Could not process rule" : "applied lab 1");
        };
        return new PolicyBundleReceiver(verifiers, UNIT, state, applier, telemetry, Clock.systemUTC());
    }

    private Supplier<PolicyBundleVerifier> trusted() {
        return () -> new PolicyBundleVerifier(List.of(ca.rootCertificate()), Clock.systemUTC());
    }

    private static byte[] payload(long serial) throws Exception {
        return payload(serial, key);
    }

    private static byte[] payload(long serial, PolicySigningKey signer) throws Exception {
        PolicyManifest m = new PolicyManifest("lab", "1", serial, Instant.now(), PolicyScope.parse("county:130602"),
                List.of(new PolicyFile("10-zones.policy", "policy lab\n    version 1\n".getBytes(StandardCharsets.UTF_8))));
        return KuraPayloadCodec.encode(KuraPayload.builder().timestamp(1L).body(signer.sign(m).encode()).build());
    }

    @Test
    void aVerifiedPolicyTheEnforcerRefusesIsNotKept() throws Exception {
        PolicyBundleReceiver r = receiver(ApplyResult.Status.REJECTED, trusted());
        BundleOutcome o = r.receive(payload(5));
        assertEquals(BundleOutcome.Status.REJECTED, o.status());
        assertEquals(PolicyBundleReceiver.POLICY_CHECK, o.check());
        assertEquals(1, applied.size());
        assertEquals(0, r.serialInForce(), "a refused policy does not become the serial floor");
        assertFalse(Files.exists(state.resolve(PolicyBundleReceiver.ACCEPTED_FILE)));
        Alarm a = alarms.get(0);
        assertEquals(PolicyBundleReceiver.REJECTED_ALARM, a.kind());
        assertEquals("policy", a.evidence().get("check"));
        assertEquals("5", a.evidence().get("serial"));
        assertTrue(a.message().contains("nft refused"), a.message());
        assertEquals("REJECTED", reports.get(0).metrics().get(PolicySigning.METRIC_OUTCOME));
        assertTrue(r.restore().isEmpty(), "nothing to restore");
    }

    /**
     * A signing key the CA revokes (leaked, withdrawn) stops counting at once, for new bundles and
     * for the accepted one at the next restart, though its certificate has not expired: the CA's
     * real CRL, checked as the PKI bundle checks it.
     */
    @Test
    void aRevokedSignerNoLongerCountsForNewBundlesNorAtRestore() throws Exception {
        PolicySigningKey leaked = PolicySigningKey.loadOrIssue(ca, caDir.resolve("leaked-signer.p12"), PASS);
        SignerRevocation crl = (signer, issuer) -> {
            try {
                RevocationChecker.Result r = new RevocationChecker().checkCrl(signer, issuer, ca.crl());
                return r.status() == RevocationChecker.Status.REVOKED ? Optional.of(r.source() + ": " + r.detail()) : Optional.empty();
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        };
        FlakyApplier applier = new FlakyApplier(0);
        PolicyBundleReceiver r = new PolicyBundleReceiver(trusted(), crl, UNIT, state, applier, telemetry, Clock.systemUTC());
        assertEquals(BundleOutcome.Status.APPLIED, r.receive(payload(11, leaked)).status(), "good until revoked");

        ca.revoke(leaked.certificate().getSerialNumber(), RevocationReason.keyCompromise);
        BundleOutcome refused = r.receive(payload(12, leaked));
        assertEquals("revoked", refused.check(), refused.message());
        assertTrue(refused.message().contains("is revoked"), refused.message());
        assertEquals(11, r.serialInForce(), "the refused bundle changes nothing");
        assertEquals("revoked", alarms.get(alarms.size() - 1).evidence().get("check"));

        PolicyBundleReceiver afterRestart = new PolicyBundleReceiver(trusted(), crl, UNIT, state, applier, telemetry, Clock.systemUTC());
        BundleOutcome restored = afterRestart.restore().orElseThrow();
        assertEquals("revoked", restored.check(), restored.message());
        assertEquals(1, applier.localFallbacks, "the local policy instead of the revoked signer's");
        assertEquals(BundleOutcome.Status.APPLIED, afterRestart.receive(payload(13)).status(), "another signer's newer bundle counts");
    }

    @Test
    void withoutATrustedRootNothingIsApplied() throws Exception {
        PolicyBundleReceiver r = receiver(ApplyResult.Status.APPLIED, () -> {
            throw new UncheckedIOException(new java.io.IOException("no CA certificate in /etc/swanctl/x509ca"));
        });
        BundleOutcome o = r.receive(payload(5));
        assertEquals("chain", o.check(), o.message());
        assertTrue(o.message().contains("no trusted provincial root"), o.message());
        assertTrue(applied.isEmpty());
    }

    @Test
    void malformedPayloadsAreRefusedAsFormat() {
        PolicyBundleReceiver r = receiver(ApplyResult.Status.APPLIED, trusted());
        assertEquals("format", r.receive(new byte[]{1, 2, 3}).check());
        assertEquals("format", r.receive(KuraPayloadCodec.encode(KuraPayload.builder().timestamp(1L).build())).check());
        assertEquals("format", r.receive(KuraPayloadCodec.encode(KuraPayload.builder().timestamp(1L)
                .body("{\"format\":\"x\"}".getBytes(StandardCharsets.US_ASCII)).build())).check());
        assertTrue(applied.isEmpty());
        assertEquals(3, alarms.size());
    }

    @Test
    void anAppliedBundleIsKeptRestoredAndIgnoredWhenItComesAgain() throws Exception {
        PolicyBundleReceiver r = receiver(ApplyResult.Status.APPLIED, trusted());
        byte[] p = payload(7);
        assertEquals(BundleOutcome.Status.APPLIED, r.receive(p).status());
        assertTrue(Files.exists(state.resolve(PolicyBundleReceiver.ACCEPTED_FILE)));
        assertTrue(Files.exists(state.resolve(PolicyBundleReceiver.POLICY_DIR).resolve("10-zones.policy")));
        assertEquals(BundleOutcome.Status.ALREADY_IN_FORCE, r.receive(p).status(), "retained again after a reconnect");
        assertTrue(alarms.isEmpty(), alarms.toString());

        PolicyBundleReceiver afterRestart = receiver(ApplyResult.Status.UNCHANGED, trusted());
        BundleOutcome restored = afterRestart.restore().orElseThrow();
        assertEquals(BundleOutcome.Status.APPLIED, restored.status(), restored.message());
        assertEquals(7, afterRestart.serialInForce());
        assertEquals("serial", afterRestart.receive(payload(6)).check(), "rollback stays barred after a restart");
    }

    /** Refuses the first {@code refusals} applies (nft failing once), then applies; counts local fallbacks. */
    private final class FlakyApplier implements PolicyApplier {
        int refusals;
        int localFallbacks;

        FlakyApplier(int refusals) {
            this.refusals = refusals;
        }

        @Override
        public ApplyResult apply(Path dir) {
            applied.add(dir);
            boolean refuse = refusals-- > 0;
            return new ApplyResult(refuse ? ApplyResult.Status.REJECTED : ApplyResult.Status.APPLIED, "lab 1", List.of(),
                    refuse ? "nft refused the ruleset: Error: Could not process rule" : "applied lab 1");
        }

        @Override
        public ApplyResult applyLocalPolicy() {
            localFallbacks++;
            return new ApplyResult(ApplyResult.Status.APPLIED, "local 1", List.of(), "applied local 1");
        }
    }

    private static byte[] payload(long serial, String content, Instant issuedAt) throws Exception {
        PolicyManifest m = new PolicyManifest("lab", "1", serial, issuedAt, PolicyScope.parse("county:130602"),
                List.of(new PolicyFile("10-zones.policy", content.getBytes(StandardCharsets.UTF_8))));
        return KuraPayloadCodec.encode(KuraPayload.builder().timestamp(1L).body(key.sign(m).encode()).build());
    }

    @Test
    void aRestoreThatFailsOnceIsMadeGoodByTheSameRetainedBundle() throws Exception {
        byte[] p = payload(7, "policy lab\n    version 1\n", Instant.now());
        assertEquals(BundleOutcome.Status.APPLIED, receiver(ApplyResult.Status.APPLIED, trusted()).receive(p).status());

        FlakyApplier nftFailsOnce = new FlakyApplier(1);
        PolicyBundleReceiver afterRestart = new PolicyBundleReceiver(trusted(), UNIT, state, nftFailsOnce, telemetry, Clock.systemUTC());
        BundleOutcome restored = afterRestart.restore().orElseThrow();
        assertEquals(BundleOutcome.Status.REJECTED, restored.status(), restored.message());
        assertEquals(1, nftFailsOnce.localFallbacks, "the local policy instead of none");
        assertEquals(0, afterRestart.serialInForce(), "the stored bundle is not in force");
        assertEquals("serial", afterRestart.receive(payload(6)).check(), "rollback stays barred while the restore failed");
        BundleOutcome sameSerialOtherContent = afterRestart.receive(payload(7, "policy lab\n    version 2\n", Instant.now()));
        assertEquals("serial", sameSerialOtherContent.check(), "serial 7 with other content is a replay: " + sameSerialOtherContent);
        int appliesBefore = applied.size();

        BundleOutcome again = afterRestart.receive(p); // the broker delivers the retained bundle again
        assertEquals(BundleOutcome.Status.APPLIED, again.status(), again.message());
        assertEquals(appliesBefore + 1, applied.size());
        assertEquals(7, afterRestart.serialInForce());
        assertEquals(BundleOutcome.Status.ALREADY_IN_FORCE, afterRestart.receive(p).status());
        assertEquals(BundleOutcome.Status.ALREADY_IN_FORCE, afterRestart.restore().orElseThrow().status(), "a retry finds it in force");
        assertEquals(1, nftFailsOnce.localFallbacks);
    }

    @Test
    void aClockBehindTheIssueTimeAtBootIsRetriedOnceTheClockIsRight() throws Exception {
        Instant issued = Instant.now();
        byte[] p = payload(9, "policy lab\n    version 1\n", issued);
        assertEquals(BundleOutcome.Status.APPLIED, receiver(ApplyResult.Status.APPLIED, trusted()).receive(p).status());

        Instant[] boxTime = {issued.minusSeconds(3600)}; // no NTP yet at boot
        FlakyApplier enforcer = new FlakyApplier(0);
        PolicyBundleReceiver afterRestart = new PolicyBundleReceiver(
                () -> new PolicyBundleVerifier(List.of(ca.rootCertificate()), Clock.fixed(boxTime[0], java.time.ZoneOffset.UTC)),
                UNIT, state, enforcer, telemetry, Clock.systemUTC());
        BundleOutcome restored = afterRestart.restore().orElseThrow();
        assertEquals("chain", restored.check(), restored.message());
        assertTrue(restored.message().contains("issued at"), restored.message());
        assertEquals(1, enforcer.localFallbacks);
        assertEquals(BundleOutcome.Status.REJECTED, afterRestart.receive(p).status(), "still behind when it is delivered at once");

        boxTime[0] = Instant.now(); // the clock is set
        BundleOutcome retried = afterRestart.restore().orElseThrow();
        assertEquals(BundleOutcome.Status.APPLIED, retried.status(), retried.message());
        assertEquals(9, afterRestart.serialInForce());
        assertEquals(BundleOutcome.Status.ALREADY_IN_FORCE, afterRestart.receive(p).status());
    }
}
