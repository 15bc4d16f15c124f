package cn.egov.isolation.enforce;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The box's enforcement loop without OSGi: apply a policy directory, verify periodically, raise
 * alarms and publish the policy state. The DS component only schedules these calls.
 *
 * <p>Telemetry: {@code ISOLATION/policy} with {@link BoxMetrics#POLICY_NAME}, version, sha256,
 * applied and verified times, drift and state, after every apply and verification. Alarms:
 * {@link IsolationAlarms}.
 */
public final class PolicyEnforcement {

    private final PolicyEnforcer enforcer;
    private final DenialWatcher denials;
    private final TelemetryPublisher telemetry;
    private final Clock clock;
    private final boolean autoRestore;
    private volatile String state = "NONE";
    private volatile Drift lastDrift = Drift.NONE;
    private volatile java.util.function.Consumer<KuraPayload.Builder> moreState = b -> { };

    public PolicyEnforcement(NftCommand nft, TelemetryPublisher telemetry, Clock clock, Path lockFile, boolean autoRestore) {
        this(nft, ProcessScratchNft.standard(), telemetry, clock, lockFile, autoRestore);
    }

    /** @param scratch loads a ruleset into an empty namespace: what the live table must be compared with */
    public PolicyEnforcement(NftCommand nft, ScratchNft scratch, TelemetryPublisher telemetry, Clock clock, Path lockFile,
                             boolean autoRestore) {
        this.enforcer = new PolicyEnforcer(nft, scratch, clock, lockFile);
        this.denials = new DenialWatcher(nft, telemetry::alarm);
        this.telemetry = telemetry;
        this.clock = clock;
        this.autoRestore = autoRestore;
    }

    public PolicyEnforcer enforcer() {
        return enforcer;
    }

    /**
     * Applies {@code dir}; on refusal raises {@link IsolationAlarms#POLICY_REJECTED} and keeps what is
     * in force. A live table that was to hold a policy and differs from it (also at start-up, when
     * it carries this policy's hash) is drift: {@link IsolationAlarms#POLICY_DRIFT} names the
     * differences before the table is replaced, {@link IsolationAlarms#POLICY_RESTORED} follows.
     */
    public ApplyResult apply(Path dir) {
        ApplyResult r = enforcer.apply(dir, (policy, drift) -> telemetry.alarm(IsolationAlarms.drift(policy, drift, true, clock.millis())));
        if (!r.drift().isClean() && r.status() != ApplyResult.Status.UNCHANGED) {
            telemetry.alarm(IsolationAlarms.restored(r, clock.millis()));
        }
        if (r.status() == ApplyResult.Status.REJECTED) {
            state = "REJECTED";
            telemetry.alarm(IsolationAlarms.rejected(r, dir.toString(), clock.millis()));
        } else {
            state = "IN_FORCE";
            lastDrift = Drift.NONE;
        }
        publishState();
        return r;
    }

    /** Reads the table back; on drift raises {@link IsolationAlarms#POLICY_DRIFT} and, if configured, restores. */
    public Drift verify() {
        if (enforcer.inForce().isEmpty()) {
            publishState();
            return Drift.NONE;
        }
        Drift d = enforcer.verify();
        boolean newDrift = !d.isClean() && !d.equals(lastDrift);
        lastDrift = d;
        if (!d.isClean()) {
            state = "DRIFT";
            if (newDrift || autoRestore) {
                telemetry.alarm(IsolationAlarms.drift(enforcer.inForce().orElseThrow().identity(), d, autoRestore, clock.millis()));
            }
            if (autoRestore) {
                ApplyResult r = enforcer.restore();
                telemetry.alarm(IsolationAlarms.restored(r, clock.millis()));
                if (r.status() != ApplyResult.Status.REJECTED) {
                    state = "IN_FORCE";
                    lastDrift = Drift.NONE;
                }
            }
        } else if (!"REJECTED".equals(state)) {
            state = "IN_FORCE";
        }
        publishState();
        return d;
    }

    /** Raises alarms for new denial records; returns how many. */
    public int pollDenials() {
        Optional<InForce> f = enforcer.inForce();
        return f.map(inForce -> denials.poll(inForce.ruleset(), clock.millis())).orElse(0);
    }

    /** Adds other guards' metrics (the route guard's) to every {@code ISOLATION/policy} message. */
    public void addToState(java.util.function.Consumer<KuraPayload.Builder> metrics) {
        this.moreState = metrics;
    }

    /** IN_FORCE, DRIFT, REJECTED or NONE. */
    public String state() {
        return state;
    }

    private void publishState() {
        KuraPayload.Builder b = KuraPayload.builder().timestamp(clock.millis()).metric(BoxMetrics.POLICY_STATE, state);
        enforcer.inForce().ifPresent(f -> b
                .metric(BoxMetrics.POLICY_NAME, f.ruleset().policyName())
                .metric(BoxMetrics.POLICY_VERSION, f.ruleset().version())
                .metric(BoxMetrics.POLICY_SHA256, f.ruleset().sha256())
                .metric(BoxMetrics.POLICY_APPLIED_AT, f.appliedAt())
                .metric(BoxMetrics.POLICY_VERIFIED_AT, f.lastVerifiedAt())
                .metric(BoxMetrics.POLICY_DRIFT, !f.drift().isClean()));
        moreState.accept(b);
        telemetry.publish(BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE, b.build(), Priority.STATE);
    }
}
