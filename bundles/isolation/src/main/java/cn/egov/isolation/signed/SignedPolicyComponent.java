package cn.egov.isolation.signed;

import cn.egov.api.control.ControlChannel;
import cn.egov.api.identity.IdentityProvider;
import cn.egov.api.policy.PolicyBundleVerifier;
import cn.egov.api.policy.PolicySigning;
import cn.egov.api.selftest.SelfTest;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.isolation.enforce.PolicyApplier;
import cn.egov.pki.BoxCertificates;
import cn.egov.pki.check.SignerRevocationCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires {@link PolicyBundleReceiver} into the box: at activation re-applies the accepted bundle
 * (after verifying it again), then subscribes to {@code $EDC/<account>/<unit>/POLICY/PUT/bundle}
 * on the box's MQTT connection. Messages are handled on one thread of this component; while it is
 * busy only the newest waiting message is kept (each bundle supersedes the one before, and the
 * broker keeps the newest retained anyway). The enforcement component does not apply its local
 * directory at start while an accepted bundle exists: this component's restore puts the signed
 * policy in force first, or the local one when the bundle fails (and retries every
 * {@code restore_retry_s} until the accepted bundle or a newer one is in force).
 *
 * <p>REQUIRE, like the enforcement component it needs: both are turned on by their configuration
 * files ({@code appliance setup} installs them).
 */
@Component(immediate = true, configurationPolicy = ConfigurationPolicy.REQUIRE, configurationPid = "cn.egov.isolation.signed",
        service = SelfTest.class)
@Designate(ocd = SignedPolicyConfig.class)
public final class SignedPolicyComponent implements SelfTest {

    private static final Logger LOG = LoggerFactory.getLogger(SignedPolicyComponent.class);
    /** An apply with its read-back takes about a second; this bounds a stop on a hung nft. */
    private static final long DEACTIVATE_WAIT_SECONDS = 30;

    @Reference
    private TelemetryPublisher telemetry;
    @Reference
    private ControlChannel control;
    @Reference
    private IdentityProvider identity;
    @Reference
    private PolicyApplier applier;
    /** Optional: a box that is not enrolled yet still takes signed policies, unchecked for revocation. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile BoxCertificates certificates;

    private ScheduledExecutorService worker;
    private ControlChannel.Subscription subscription;
    private final AtomicReference<byte[]> waiting = new AtomicReference<>();
    /** The last outcome and the serial then in force, for the self-test (never waits for a bundle being applied). */
    private volatile BundleOutcome last;
    private volatile long serialInForce;
    /** Until the saved bundle is verified and applied again after a start, the self-test says so. */
    private volatile boolean restoring = true;

    @Activate
    void activate(SignedPolicyConfig config) {
        Path anchors = Path.of(config.trust_anchors());
        // read at every bundle: a box that is not enrolled yet has no root, and gets one without a restart
        Supplier<PolicyBundleVerifier> verifiers = () -> {
            try {
                return new PolicyBundleVerifier(TrustAnchors.read(anchors), Clock.systemUTC());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        SignerRevocationCheck revocation = new SignerRevocationCheck("policy signer", () -> certificates);
        PolicyBundleReceiver receiver = new PolicyBundleReceiver(verifiers, (signer, issuer) -> revocation.revoked(signer), identity.identity().unit(),
                Path.of(config.state_directory()), applier, telemetry, Clock.systemUTC());
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "isolation-signed-policy");
            t.setDaemon(true);
            return t;
        });
        // at deactivation a pending restore retry is dropped, but a bundle being applied is finished and saved
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        worker = executor;
        worker.execute(() -> restore(receiver, config.restore_retry_s()));
        subscription = control.subscribe(PolicySigning.APP_ID, PolicySigning.BUNDLE_RESOURCE, (topic, payload) -> {
            if (waiting.getAndSet(payload) == null) {
                worker.execute(() -> {
                    byte[] next = waiting.getAndSet(null);
                    if (next != null) {
                        BundleOutcome o = receiver.receive(next);
                        remember(o, receiver);
                        LOG.info("signed policy from {}: {} {}", topic, o.status(), o.message());
                    }
                });
            }
        });
    }

    private void restore(PolicyBundleReceiver receiver, int retrySeconds) {
        Optional<BundleOutcome> restored;
        try {
            restored = receiver.restore();
        } finally {
            restoring = false;
        }
        restored.ifPresent(o -> {
            remember(o, receiver);
            LOG.info("signed policy at start: {} {}", o.status(), o.message());
            if (o.status() == BundleOutcome.Status.REJECTED) {
                // the causes are often passing (clock set by NTP later, anchors back, nft once): try again
                worker.schedule(() -> restore(receiver, retrySeconds), retrySeconds, TimeUnit.SECONDS);
            }
        });
    }

    private void remember(BundleOutcome o, PolicyBundleReceiver receiver) {
        serialInForce = receiver.serialInForce();
        last = o;
    }

    @Override
    public String name() {
        return "签名策略 Signed policy from the manager";
    }

    @Override
    public Result run() {
        return judge(last, serialInForce, restoring);
    }

    static Result judge(BundleOutcome o, long serialInForce, boolean restoring) {
        if (o == null && restoring) {
            return Result.warn("本机保存的签名策略正在验证，启动后将重新生效。",
                    "The signed policy saved on this box is being verified and put in force again after the start.");
        }
        if (o == null) {
            return Result.warn("还没有收到管理平台的签名策略：本机连上之后、且省电子政务办已为本单位所在县发布策略时，策略经 MQTT 送达。",
                    "No signed policy from the manager yet: it arrives over MQTT once the box is connected "
                    + "and the provincial office has published the policy for this unit's county.");
        }
        if (o.status() != BundleOutcome.Status.REJECTED) {
            return Result.ok("管理平台的签名策略（序列号 " + o.serial() + "，" + o.policy() + "）已生效。",
                    "Signed policy serial " + o.serial() + " (" + o.policy() + ") from the manager is in force.");
        }
        String refusedZh = "序列号 " + o.serial() + " 的签名策略未通过检查 '" + o.check() + "'：" + o.message();
        String refused = "Signed policy serial " + o.serial() + " was refused by check '" + o.check() + "': " + o.message();
        return serialInForce > 0
                ? Result.warn(refusedZh + "；序列号 " + serialInForce + " 的策略继续有效。请告知省电子政务办。",
                        refused + "; serial " + serialInForce + " stays in force. Tell the provincial office.")
                : Result.fail(refusedZh + "；目前没有生效的签名策略。请告知省电子政务办，并检查本机时钟。",
                        refused + "; no signed policy is in force. Tell the provincial office; check the box's clock.");
    }

    @Deactivate
    void deactivate() {
        // what is in force stays in force: isolation must not depend on the JVM
        if (subscription != null) {
            subscription.close();
        }
        // not shutdownNow: interrupting a bundle between its apply and its save would leave a policy
        // in force that the next start does not know about
        worker.shutdown();
        try {
            if (!worker.awaitTermination(DEACTIVATE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("signed policy: still busy after {} s at deactivation; interrupting", DEACTIVATE_WAIT_SECONDS);
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
