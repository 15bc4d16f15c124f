package cn.egov.isolation.signed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.control.ControlChannel;
import cn.egov.api.control.ControlListener;
import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.identity.IdentityProvider;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.policy.PolicyFile;
import cn.egov.api.policy.PolicyManifest;
import cn.egov.api.policy.PolicyScope;
import cn.egov.api.policy.PolicySigning;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.isolation.enforce.ApplyResult;
import cn.egov.isolation.enforce.PolicyApplier;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.rules.unit.UnitCode;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DS component without a framework (its references set as SCR would): it subscribes to the
 * box's own bundle topic, reads the trust anchors from the configured PEM file, and while the
 * worker is busy keeps only the newest waiting bundle; after a restart it re-applies the accepted
 * bundle before anything new. The enforcer is recorded (the netns test runs it for real).
 */
class SignedPolicyComponentTest {

    private static final UnitCode UNIT = UnitCode.parse("130602-001");

    @TempDir
    Path dir;

    private final List<String> applied = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch applying = new CountDownLatch(0);
    private volatile CountDownLatch release = new CountDownLatch(0);
    private final AtomicInteger refuse = new AtomicInteger();

    @Test
    void newestWaitingBundleWinsAndARestartReappliesTheAcceptedOne() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "p".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
            PolicySigningKey key = PolicySigningKey.loadOrIssue(ca, dir.resolve("signer.p12"), "p".toCharArray());
            Path roots = PemFiles.write(dir.resolve("roots.pem"), ca.rootCertificate());
            FakeChannel channel = new FakeChannel();

            SignedPolicyComponent first = component(channel, roots);
            assertEquals("$EDC/<acct>/<unit>/" + PolicySigning.APP_ID + "/" + PolicySigning.BUNDLE_RESOURCE, channel.topic);
            // bundle 1 blocks in the enforcer; 2 and 3 arrive meanwhile: 2 is superseded by 3
            applying = new CountDownLatch(1);
            release = new CountDownLatch(1);
            channel.deliver(payload(key, 1));
            assertTrue(applying.await(30, TimeUnit.SECONDS));
            channel.deliver(payload(key, 2));
            channel.deliver(payload(key, 3));
            release.countDown();
            awaitApplied(2);
            assertEquals(List.of("1", "3"), applied, "the newest waiting bundle, not every one");
            awaitStored("3");
            first.deactivate();

            applied.clear();
            SignedPolicyComponent second = component(new FakeChannel(), roots);
            awaitApplied(1);
            assertEquals(List.of("3"), applied, "the accepted bundle again at start");
            second.deactivate();
        }
    }

    @Test
    void aRestoreThatFailsIsRetried() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "p".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
            PolicySigningKey key = PolicySigningKey.loadOrIssue(ca, dir.resolve("signer.p12"), "p".toCharArray());
            Path roots = PemFiles.write(dir.resolve("roots.pem"), ca.rootCertificate());
            FakeChannel channel = new FakeChannel();
            SignedPolicyComponent first = component(channel, roots);
            channel.deliver(payload(key, 4));
            awaitApplied(1);
            awaitStored("4");
            first.deactivate();

            applied.clear();
            refuse.set(1); // nft fails once after the restart; nothing is delivered again
            SignedPolicyComponent second = component(new FakeChannel(), roots);
            awaitApplied(2);
            assertEquals(List.of("4", "4"), applied, "refused at start, applied by the retry");
            second.deactivate();
        }
    }

    /** Stored after the apply returns: a deactivation before that would interrupt the write. */
    private void awaitStored(String version) throws Exception {
        Path stored = dir.resolve("state").resolve(PolicyBundleReceiver.POLICY_DIR).resolve("10-zones.policy");
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
             !(Files.exists(stored) && Files.readString(stored).contains("version " + version)) && System.nanoTime() < end; ) {
            Thread.sleep(20);
        }
        assertTrue(Files.readString(stored).contains("version " + version), "stored: " + stored);
    }

    private void awaitApplied(int n) throws InterruptedException {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); applied.size() < n && System.nanoTime() < end; ) {
            Thread.sleep(20);
        }
        assertEquals(n, applied.size(), "applied: " + applied);
    }

    private SignedPolicyComponent component(ControlChannel channel, Path roots) throws Exception {
        SignedPolicyComponent c = new SignedPolicyComponent();
        TelemetryPublisher telemetry = (appId, resource, payload, priority) -> { };
        IdentityProvider identity = () -> new BoxIdentity(UNIT, "SN-1", "test");
        PolicyApplier applier = d -> {
            String version;
            try {
                version = Files.readString(d.resolve("10-zones.policy")).lines().filter(l -> l.contains("version"))
                        .findFirst().orElseThrow().trim().substring("version ".length());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            applying.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            applied.add(version);
            if (refuse.getAndDecrement() > 0) {
                return new ApplyResult(ApplyResult.Status.REJECTED, "lab " + version, List.of(), "nft refused the ruleset");
            }
            return new ApplyResult(ApplyResult.Status.APPLIED, "lab " + version, List.of(), "applied lab " + version);
        };
        set(c, "telemetry", telemetry);
        set(c, "control", channel);
        set(c, "identity", identity);
        set(c, "applier", applier);
        SignedPolicyConfig config = (SignedPolicyConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{SignedPolicyConfig.class}, (p, m, a) -> switch (m.getName()) {
                    case "trust_anchors" -> roots.toString();
                    case "state_directory" -> dir.resolve("state").toString();
                    case "restore_retry_s" -> 1;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        var activate = SignedPolicyComponent.class.getDeclaredMethod("activate", SignedPolicyConfig.class);
        activate.setAccessible(true);
        activate.invoke(c, config);
        return c;
    }

    private static void set(Object target, String field, Object value) throws Exception {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    private static byte[] payload(PolicySigningKey key, long serial) throws Exception {
        PolicyManifest m = new PolicyManifest("lab", Long.toString(serial), serial, Instant.now(), PolicyScope.parse("unit:" + UNIT),
                List.of(new PolicyFile("10-zones.policy", ("policy lab\n    version " + serial + "\n").getBytes(StandardCharsets.UTF_8))));
        return KuraPayloadCodec.encode(KuraPayload.builder().timestamp(1L).body(key.sign(m).encode()).build());
    }

    /** Records the one subscription and delivers on the caller's thread, as Paho's callback thread would. */
    private static final class FakeChannel implements ControlChannel {
        volatile String topic;
        volatile ControlListener listener;

        @Override
        public Subscription subscribe(String appId, String resource, ControlListener l) {
            topic = "$EDC/<acct>/<unit>/" + appId + "/" + resource;
            listener = l;
            return () -> listener = null;
        }

        void deliver(byte[] payload) {
            listener.onMessage(topic, payload);
        }
    }
}
