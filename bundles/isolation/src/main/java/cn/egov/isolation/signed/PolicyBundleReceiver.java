package cn.egov.isolation.signed;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.payload.PayloadFormatException;
import cn.egov.api.policy.PolicyBundleException;
import cn.egov.api.policy.PolicyBundleVerifier;
import cn.egov.api.policy.PolicyFile;
import cn.egov.api.policy.PolicyManifest;
import cn.egov.api.policy.PolicySigning;
import cn.egov.api.policy.SignedPolicyBundle;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.isolation.enforce.ApplyResult;
import cn.egov.isolation.enforce.PolicyApplier;
import cn.egov.rules.policy.Finding;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes signed policy bundles from the manager and puts them in force only when they pass every
 * check of {@link PolicyBundleVerifier} (chain to the provincial root, policy-signing profile,
 * signature, file hashes, this unit in scope, serial newer than the one in force), then the same
 * validation and atomic apply as a local policy ({@link PolicyApplier}). Anything that fails
 * leaves the previous ruleset in force and raises {@link #REJECTED_ALARM} naming the check.
 *
 * <p>State in {@code stateDir}: {@code accepted.bundle} (the envelope in force, written atomically
 * after a successful apply) and {@code policy/} (its files, for whoever wants to read them).
 * {@link #restore()} re-verifies and re-applies the accepted bundle after a restart; its serial
 * stays the floor for what is accepted next, so a restart does not reopen rollback. When that
 * fails (a clock behind its issue time at boot, trust anchors unreadable for a moment, nft failing
 * once) the box's local policy is put in force instead ({@link PolicyApplier#applyLocalPolicy}) and
 * the accepted bundle is not in force: the same bundle (same manifest bytes) is then accepted again
 * at its own serial, by a later {@link #restore()} or when the broker delivers it again, while any
 * other content at that serial or a lower one is still refused.
 *
 * <p>Telemetry {@code ISOLATION/bundle} after every bundle: serial and version in force, outcome
 * of the last one, and the failed check and reason when it was refused.
 */
public final class PolicyBundleReceiver {

    /** A signed policy bundle was refused; evidence: check, reason, serial, policy, serial in force. */
    public static final String REJECTED_ALARM = "isolation.policy.bundle.rejected";
    /** The check name used when the verified policy itself was refused (validation or nft). */
    public static final String POLICY_CHECK = "policy";
    static final String ACCEPTED_FILE = PolicyApplier.ACCEPTED_BUNDLE_FILE;
    static final String POLICY_DIR = "policy";
    private static final String STAGING_DIR = "staging";
    private static final String SOURCE = "isolation";
    private static final int MAX_ERRORS_IN_ALARM = 20;
    private static final Logger LOG = LoggerFactory.getLogger(PolicyBundleReceiver.class);

    private final Supplier<PolicyBundleVerifier> verifiers;
    private final SignerRevocation revocation;
    private final UnitCode unit;
    private final Path stateDir;
    private final PolicyApplier applier;
    private final TelemetryPublisher telemetry;
    private final Clock clock;
    private long serialInForce;
    private String versionInForce = "";
    private String shaInForce = "";
    /** Highest serial ever accepted (the stored bundle's even when it is not in force): what is new must exceed it. */
    private long floor;
    /** Manifest of the stored accepted bundle; re-applying it is no replay, whatever the floor. */
    private byte[] storedManifest = new byte[0];
    private BundleOutcome last;

    /**
     * @param verifiers the verifier over the roots the box trusts now; asked for every bundle, so that a
     *                  root installed by enrolment counts without a restart (may throw {@link UncheckedIOException})
     */
    public PolicyBundleReceiver(Supplier<PolicyBundleVerifier> verifiers, UnitCode unit, Path stateDir, PolicyApplier applier,
                                TelemetryPublisher telemetry, Clock clock) {
        this(verifiers, SignerRevocation.NONE, unit, stateDir, applier, telemetry, clock);
    }

    /** @param revocation asked after every other check passed, for new bundles and at restore */
    public PolicyBundleReceiver(Supplier<PolicyBundleVerifier> verifiers, SignerRevocation revocation, UnitCode unit, Path stateDir,
                                PolicyApplier applier, TelemetryPublisher telemetry, Clock clock) {
        this.verifiers = verifiers;
        this.revocation = revocation;
        this.unit = unit;
        this.stateDir = stateDir;
        this.applier = applier;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /** Serial of the bundle in force, 0 when none. */
    public synchronized long serialInForce() {
        return serialInForce;
    }

    /**
     * After a restart (and to retry one that failed): re-verifies the accepted bundle and applies it
     * again; when that fails, puts the local policy in force instead. Empty when none was ever
     * accepted; {@link BundleOutcome.Status#ALREADY_IN_FORCE} when it is in force already.
     */
    public synchronized Optional<BundleOutcome> restore() {
        Path file = stateDir.resolve(ACCEPTED_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        BundleOutcome o;
        try {
            SignedPolicyBundle b = SignedPolicyBundle.decode(Files.readAllBytes(file));
            if (b.sha256().equals(shaInForce)) {
                return Optional.of(alreadyInForce());
            }
            // the floor before anything can fail: a restore that fails must not reopen rollback
            floor = Math.max(floor, PolicyManifest.parse(b.manifest()).manifest().serial());
            storedManifest = b.manifest();
            o = reapply(b, "restored", "accepted bundle " + file);
        } catch (IOException e) {
            o = reject(0, "", "format", "cannot read " + file + ": " + e.getMessage());
        } catch (PolicyBundleException e) {
            o = reject(0, "", e.check().label(), "accepted bundle " + file + " is unreadable: " + e.getMessage());
        }
        if (o.status() == BundleOutcome.Status.REJECTED) {
            ApplyResult local = applier.applyLocalPolicy();
            LOG.warn("accepted signed bundle not restored; local policy instead: {} {}", local.status(), local.message());
        }
        return Optional.of(o);
    }

    /** Verifies the accepted bundle again (no serial check: it is the floor) and applies it. */
    private BundleOutcome reapply(SignedPolicyBundle b, String verb, String what) {
        PolicyManifest m;
        try {
            m = verifier().reverify(b, unit); // the chain as it was when issued: an expired signer does not drop the policy in force
            checkNotRevoked(b);
        } catch (PolicyBundleException e) {
            return reject(e.check().label(), what + " does not verify now: " + e.getMessage(), b);
        }
        return applyVerified(b, m, verb);
    }

    private BundleOutcome alreadyInForce() {
        last = new BundleOutcome(BundleOutcome.Status.ALREADY_IN_FORCE, serialInForce, versionInForce, "",
                "bundle serial " + serialInForce + " is already in force");
        report();
        return last;
    }

    /** Handles one MQTT payload (a KuraPayload whose body is the signed envelope). */
    public synchronized BundleOutcome receive(byte[] payload) {
        byte[] envelope;
        try {
            KuraPayload p = KuraPayloadCodec.decode(payload);
            envelope = p.body();
            if (envelope == null || envelope.length == 0) {
                return reject(0, "", "format", "payload on " + PolicySigning.BUNDLE_RESOURCE + " carries no signed bundle (empty body)");
            }
        } catch (PayloadFormatException e) {
            return reject(0, "", "format", "payload is not a KuraPayload: " + e.getMessage());
        }
        SignedPolicyBundle b;
        try {
            b = SignedPolicyBundle.decode(envelope);
        } catch (PolicyBundleException e) {
            return reject(0, "", e.check().label(), e.getMessage());
        }
        if (b.sha256().equals(shaInForce)) {
            // the retained bundle again after a reconnect: already in force, nothing to re-check
            return alreadyInForce();
        }
        if (storedManifest.length > 0 && Arrays.equals(b.manifest(), storedManifest)) {
            // the accepted bundle, not in force because its restore failed: applying it is no replay
            return reapply(b, "re-applied", "the accepted bundle");
        }
        PolicyManifest m;
        try {
            m = verifier().verify(b, unit, floor);
            checkNotRevoked(b);
        } catch (PolicyBundleException e) {
            return reject(e.check().label(), e.getMessage(), b);
        }
        return applyVerified(b, m, "applied");
    }

    private BundleOutcome reject(String check, String reason, SignedPolicyBundle b) {
        long serial = 0;
        String policy = "";
        try {
            PolicyManifest claimed = PolicyManifest.parse(b.manifest()).manifest(); // for the evidence only
            serial = claimed.serial();
            policy = claimed.policyName() + " " + claimed.policyVersion();
        } catch (PolicyBundleException unreadable) {
            // the alarm says so through the check
        }
        return reject(serial, policy, check, reason);
    }

    /** Asked last: the chain is verified, so its second certificate is the signer's issuer. */
    private void checkNotRevoked(SignedPolicyBundle b) throws PolicyBundleException {
        if (b.chain().size() < 2) {
            return; // the chain check passed with the signer issued by a root itself: nothing else to ask about
        }
        X509Certificate signer = b.chain().get(0);
        Optional<String> why = revocation.revoked(signer, b.chain().get(1));
        if (why.isPresent()) {
            throw new PolicyBundleException(PolicyBundleException.Check.REVOKED, "signer " + signer.getSubjectX500Principal().getName()
                    + " (serial " + signer.getSerialNumber().toString(16) + ") is revoked: " + why.get());
        }
    }

    private PolicyBundleVerifier verifier() throws PolicyBundleException {
        try {
            return verifiers.get();
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new PolicyBundleException(PolicyBundleException.Check.CHAIN, "no trusted provincial root to verify against: "
                    + e.getMessage(), e);
        }
    }

    private BundleOutcome applyVerified(SignedPolicyBundle b, PolicyManifest m, String verb) {
        String policy = m.policyName() + " " + m.policyVersion();
        Path staging = stateDir.resolve(STAGING_DIR);
        try {
            deleteTree(staging);
            Files.createDirectories(staging);
            for (PolicyFile f : m.files()) {
                Files.write(staging.resolve(f.name()), f.content()); // names are plain *.policy names (checked)
            }
        } catch (IOException e) {
            return reject(m.serial(), policy, POLICY_CHECK, "cannot stage the verified files in " + staging + ": " + e.getMessage());
        }
        ApplyResult r = applier.apply(staging);
        if (r.status() == ApplyResult.Status.REJECTED) {
            String errors = r.findings().stream().filter(Finding::isError).limit(MAX_ERRORS_IN_ALARM).map(Finding::toString)
                    .collect(Collectors.joining("\n"));
            return reject(m.serial(), policy, POLICY_CHECK, r.message() + (errors.isEmpty() ? "" : "\n" + errors));
        }
        try {
            persist(b, staging);
        } catch (IOException e) {
            // in force now, but a restart would not know it: say so loudly, keep going
            LOG.error("bundle serial {} is in force but could not be stored in {}: {}", m.serial(), stateDir, e.toString());
            telemetry.alarm(new Alarm(REJECTED_ALARM, Alarm.Severity.MAJOR, SOURCE, "bundle serial " + m.serial()
                    + " is in force but could not be stored; a restart will not re-apply it: " + e.getMessage(),
                    evidence("store", e.getMessage(), m.serial(), policy), clock.millis()));
        }
        serialInForce = m.serial();
        floor = Math.max(floor, m.serial());
        storedManifest = b.manifest();
        versionInForce = m.policyVersion();
        shaInForce = b.sha256();
        last = new BundleOutcome(BundleOutcome.Status.APPLIED, m.serial(), policy, "", verb + " signed policy " + policy
                + " (serial " + m.serial() + ", " + m.scope() + "): " + r.message());
        LOG.info(last.message());
        report();
        return last;
    }

    private void persist(SignedPolicyBundle b, Path staging) throws IOException {
        Files.createDirectories(stateDir);
        Path tmp = stateDir.resolve(ACCEPTED_FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(b.encode()));
            ch.force(true); // on disk before it replaces the old one: a power cut leaves one or the other
        }
        Files.move(tmp, stateDir.resolve(ACCEPTED_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path files = stateDir.resolve(POLICY_DIR);
        deleteTree(files);
        Files.move(staging, files, StandardCopyOption.ATOMIC_MOVE);
    }

    private BundleOutcome reject(long serial, String policy, String check, String reason) {
        last = new BundleOutcome(BundleOutcome.Status.REJECTED, serial, policy, check, reason);
        String first = reason.lines().findFirst().orElse(reason);
        LOG.warn("signed policy bundle refused ({}): {}", check, reason);
        telemetry.alarm(new Alarm(REJECTED_ALARM, Alarm.Severity.MAJOR, SOURCE,
                "signed policy refused by check '" + check + "': " + first + "; the previous ruleset stays in force",
                evidence(check, reason, serial, policy), clock.millis()));
        report();
        return last;
    }

    private Map<String, String> evidence(String check, String reason, long serial, String policy) {
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("check", check);
        ev.put("reason", reason);
        ev.put("serial", Long.toString(serial));
        ev.put("policy", policy);
        ev.put("serial_in_force", Long.toString(serialInForce));
        ev.put("unit", unit.toString());
        return ev;
    }

    private void report() {
        KuraPayload.Builder b = KuraPayload.builder().timestamp(clock.millis())
                .metric(PolicySigning.METRIC_SERIAL, serialInForce)
                .metric(PolicySigning.METRIC_VERSION, versionInForce);
        if (last != null) {
            b.metric(PolicySigning.METRIC_OUTCOME, last.status() == BundleOutcome.Status.REJECTED ? "REJECTED" : "ACCEPTED")
                    .metric(PolicySigning.METRIC_LAST_SERIAL, last.serial())
                    .metric(PolicySigning.METRIC_REJECTED_CHECK, last.check())
                    .metric(PolicySigning.METRIC_REJECTED_REASON, last.status() == BundleOutcome.Status.REJECTED ? last.message() : "");
        }
        telemetry.publish(BoxMetrics.ISOLATION_APP, PolicySigning.REPORT_RESOURCE, b.build(), Priority.STATE);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
