package cn.egov.manager.policy.dist;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.policy.PolicyFile;
import cn.egov.api.policy.PolicyManifest;
import cn.egov.api.policy.PolicyScope;
import cn.egov.api.policy.PolicySigning;
import cn.egov.api.policy.SignedPolicyBundle;
import cn.egov.api.text.LogSafe;
import cn.egov.manager.ingest.BoxMessenger;
import cn.egov.manager.store.Database;
import cn.egov.rules.policy.Finding;
import cn.egov.rules.policy.IsolationPolicy;
import cn.egov.rules.policy.PolicyLoad;
import cn.egov.rules.policy.PolicyLoader;
import cn.egov.rules.policy.PolicyValidator;
import cn.egov.rules.unit.UnitCode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs isolation policies and sends them to boxes. A policy is validated first (the same loader
 * and validator the box runs; an invalid policy is never signed), gets the next serial, is signed
 * with the {@link PolicySigningKey}, recorded in {@link PolicyBundleStore}, and published retained
 * at QoS 1 on each target unit's own topic {@code $EDC/<account>/<unit>/POLICY/PUT/bundle}, so a
 * box that is offline gets it when it connects.
 *
 * <p>Targets: the named units of a {@code unit:} scope; for county, city and province scopes the
 * units the fleet registry knows in it, plus (through {@link #catchUp}) any unit of the scope that
 * first connects later.
 */
public final class PolicyDistributor {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyDistributor.class);
    /** What findings about the policy as a whole (not one file) name as their place. */
    private static final String POLICY_LABEL = "policy";
    /** How many recent bundles a late joiner's catch-up looks through. */
    private static final int CATCH_UP_LOOKBACK = 50;

    private final PolicyBundleStore store;
    private final PolicySigningKey signer;
    private final BoxMessenger messenger;
    private final Supplier<List<String>> knownUnits;
    private final String account;
    private final Clock clock;

    /**
     * @param knownUnits client ids of the boxes the fleet registry knows
     */
    public PolicyDistributor(PolicyBundleStore store, PolicySigningKey signer, BoxMessenger messenger,
                             Supplier<List<String>> knownUnits, String account, Clock clock) {
        this.store = store;
        this.signer = signer;
        this.messenger = messenger;
        this.knownUnits = knownUnits;
        this.account = account;
        this.clock = clock;
    }

    /**
     * What a publish did.
     *
     * @param bundle the bundle as recorded
     * @param units  the units it was published to
     */
    public record Outcome(IssuedBundle bundle, List<String> units) {
    }

    /** Validates, signs, records and publishes. */
    public synchronized Outcome publish(Map<String, String> files, PolicyScope scope, String issuedBy)
            throws PolicyRefusedException, GeneralSecurityException, SQLException {
        IssuedBundle b = sign(files, scope, issuedBy);
        List<String> units = targets(scope);
        List<String> sent = new ArrayList<>();
        for (String unit : units) {
            if (send(b, unit)) {
                sent.add(unit);
            }
        }
        // name and version are the uploaded policy's own text
        LOG.info("policy bundle serial {} ({} {}) for {} published to {} unit(s) by {}", b.serial(), LogSafe.of(b.policyName()),
                LogSafe.of(b.policyVersion()), scope, sent.size(), LogSafe.of(issuedBy));
        return new Outcome(b, sent);
    }

    /** Validates, signs and records without publishing (the CLI's {@code sign}). */
    public synchronized IssuedBundle sign(Map<String, String> files, PolicyScope scope, String issuedBy)
            throws PolicyRefusedException, GeneralSecurityException, SQLException {
        List<PolicyFile> policyFiles = new ArrayList<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            try {
                policyFiles.add(new PolicyFile(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException ex) {
                throw new PolicyRefusedException(ex.getMessage(), List.of());
            }
        }
        if (policyFiles.isEmpty()) {
            throw new PolicyRefusedException("no *.policy file to sign", List.of());
        }
        IsolationPolicy policy = validate(policyFiles);
        try (Database.SeriesLock serials = store.lockSerials()) {
            long now = clock.millis();
            PolicyManifest manifest = new PolicyManifest(policy.name(), policy.version(), store.nextSerial(), clock.instant(), scope,
                    policyFiles);
            SignedPolicyBundle signed = signer.sign(manifest);
            IssuedBundle b = new IssuedBundle(manifest.serial(), policy.name(), policy.version(), scope.toString(), now, issuedBy,
                    signed.sha256(), signed.encode());
            store.record(b);
            return b;
        }
    }

    /**
     * A box connected: when the newest bundle whose scope includes it was never sent to it, send it.
     * Returns the serial sent, or 0.
     */
    public synchronized long catchUp(UnitCode unit) throws SQLException {
        long had = store.lastSent(unit.toString()).map(PolicyBundleStore.Sent::serial).orElse(0L);
        for (IssuedBundle b : store.newestFirst(CATCH_UP_LOOKBACK)) {
            if (b.serial() <= had) {
                return 0;
            }
            if (PolicyScope.parse(b.scope()).includes(unit)) {
                return send(b, unit.toString()) ? b.serial() : 0;
            }
        }
        return 0;
    }

    private boolean send(IssuedBundle b, String unit) throws SQLException {
        KuraPayload payload = KuraPayload.builder().timestamp(b.issuedAt())
                .metric(PolicySigning.METRIC_SERIAL, b.serial())
                .metric(PolicySigning.METRIC_VERSION, b.policyVersion())
                .body(b.envelope()).build();
        try {
            messenger.publish(PolicySigning.bundleTopic(account, unit), payload, true);
        } catch (Exception e) {
            // recorded as not sent: the next catch-up (the box's next BIRTH) sends it again
            LOG.warn("policy bundle serial {} not published to {}: {}", b.serial(), unit, e.toString());
            return false;
        }
        store.delivered(b.serial(), unit, clock.millis());
        return true;
    }

    private List<String> targets(PolicyScope scope) {
        TreeSet<String> units = new TreeSet<>();
        if (scope.kind() == PolicyScope.Kind.UNIT) {
            units.addAll(scope.codes());
        }
        for (String id : knownUnits.get()) {
            if (UnitCode.isValid(id) && scope.includes(UnitCode.parse(id))) {
                units.add(id);
            }
        }
        return List.copyOf(units);
    }

    /** The same load and validation the box runs, on the files in memory (findings name the file names only). */
    private IsolationPolicy validate(List<PolicyFile> files) throws PolicyRefusedException {
        Map<String, byte[]> contents = new TreeMap<>();
        files.forEach(f -> contents.put(f.name(), f.content()));
        PolicyLoad load = PolicyLoader.load(contents, POLICY_LABEL, LocalDate.now(clock));
        if (!load.ok()) {
            throw new PolicyRefusedException("policy is not valid; nothing was signed (" + load.errors().size() + " error(s))",
                    load.findings());
        }
        List<Finding> cutOff = load.findings().stream().filter(f -> PolicyValidator.BOX_CUT_OFF.equals(f.code())).toList();
        if (!cutOff.isEmpty()) {
            // signed and sent, it would cut every box in scope off for good: no corrected policy could reach them
            throw new PolicyRefusedException("policy lets the box reach nothing, not even the manager; nothing was signed",
                    cutOff);
        }
        return load.policy();
    }
}
