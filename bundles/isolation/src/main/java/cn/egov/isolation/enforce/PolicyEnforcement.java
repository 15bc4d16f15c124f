package cn.egov.isolation.enforce;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
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
    /** Conditions raised and not cleared yet (rejected, drift): cleared when they end, or with the component. */
    private final java.util.Set<String> standing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile String lastRejection;

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
            lastRejection = dir + ": " + r.message().lines().findFirst().orElse("");
            raise(IsolationAlarms.rejected(r, dir.toString(), clock.millis()));
        } else {
            state = "IN_FORCE";
            lastDrift = Drift.NONE;
            lastRejection = null;
            clear(IsolationAlarms.POLICY_REJECTED, "policy " + r.policy() + " is in force");
            clear(IsolationAlarms.POLICY_DRIFT, "policy " + r.policy() + " is in force as written");
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
                raise(IsolationAlarms.drift(enforcer.inForce().orElseThrow().identity(), d, autoRestore, clock.millis()));
            }
            if (autoRestore) {
                ApplyResult r = enforcer.restore();
                telemetry.alarm(IsolationAlarms.restored(r, clock.millis()));
                if (r.status() != ApplyResult.Status.REJECTED) {
                    state = "IN_FORCE";
                    lastDrift = Drift.NONE;
                    clear(IsolationAlarms.POLICY_DRIFT, "the firewall table was restored to the policy");
                }
            }
        } else {
            clear(IsolationAlarms.POLICY_DRIFT, "the firewall table matches the policy again");
            if (!"REJECTED".equals(state)) {
                state = "IN_FORCE";
            }
        }
        publishState();
        return d;
    }

    private void raise(Alarm a) {
        standing.add(a.kind());
        telemetry.condition(a);
    }

    private void clear(String kind, String message) {
        if (standing.remove(kind)) {
            telemetry.condition(new Alarm(kind, Alarm.Severity.CLEARED, IsolationAlarms.SOURCE, message, java.util.Map.of(), clock.millis()));
        }
    }

    /**
     * Clears the conditions this enforcement raised: called when its component goes away (its
     * configuration removed or changed: a new instance raises again what still holds).
     */
    public void endConditions() {
        for (String kind : java.util.List.copyOf(standing)) {
            clear(kind, "isolation enforcement stopped");
        }
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

    /** Why the last policy was refused ("dir: message"), or null when the last apply succeeded. */
    public String lastRejection() {
        return lastRejection;
    }

    /**
     * Publishes {@code ISOLATION/policy} now: after another guard's round (the route guard's, which
     * runs after an apply), so that the manager sees its verdict at once, not at the next verification.
     */
    public void reportState() {
        publishState();
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
