package cn.egov.pki;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.pki.check.CertificateState;
import cn.egov.pki.check.RenewalPolicy;
import cn.egov.pki.check.RevocationChecker;
import cn.egov.pki.check.TrustStoreAudit;
import cn.egov.pki.est.BoxEnrolment;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One maintenance pass over the box's certificate, run on a timer by the DS component: report
 * its state, renew it when due (simplereenroll), and audit the trust stores for CAs other than
 * the provincial one. Standing conditions (not enrolled, a foreign CA, an unreadable store) are
 * raised as conditions ({@link TelemetryPublisher#condition}) once, and again only after they have
 * cleared; a kind none of whose conditions holds any more is cleared. Not being enrolled is a
 * WARNING: it is how a new box waits for {@code appliance setup}, not a fault of the box. Plain
 * Java, so that tests run it against a real EST server.
 */
public final class CertificateMaintenance implements BoxCertificates {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateMaintenance.class);
    public static final String SOURCE = "pki";
    public static final String ALARM_FOREIGN_CA = "pki.foreign-ca";
    public static final String ALARM_UNREADABLE_TRUST_STORE = "pki.trust-store-unreadable";
    public static final String ALARM_RENEWAL_FAILED = "pki.renewal-failed";
    public static final String ALARM_NOT_ENROLLED = "pki.not-enrolled";

    private final BoxKeyStore store;
    private final BoxEnrolment enrolment;
    private final RenewalPolicy policy;
    private final List<Path> trustStores;
    private final TelemetryPublisher telemetry;
    private final Clock clock;
    private final RevocationChecker revocation = new RevocationChecker();
    private volatile BoxCredentials current;
    /** Standing conditions alarmed in the previous pass: alarmed once, again only after they clear. */
    private Set<String> standing = Set.of();
    private final Set<String> seenThisPass = new HashSet<>();
    /** Kinds of the conditions standing after the previous pass, and seen in this one. */
    private Set<String> standingKinds = Set.of();
    private final Set<String> kindsThisPass = new HashSet<>();

    public CertificateMaintenance(BoxKeyStore store, BoxEnrolment enrolment, RenewalPolicy policy, List<Path> trustStores,
                                  TelemetryPublisher telemetry, Clock clock) {
        this.store = store;
        this.enrolment = enrolment;
        this.policy = policy;
        this.trustStores = List.copyOf(trustStores);
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /** One pass; never throws (failures become alarms). */
    public synchronized void runOnce() {
        Instant now = clock.instant();
        seenThisPass.clear();
        kindsThisPass.clear();
        try {
            pass(now);
        } finally {
            standing = Set.copyOf(seenThisPass);
            for (String kind : standingKinds) {
                if (!kindsThisPass.contains(kind)) {
                    telemetry.condition(new Alarm(kind, Alarm.Severity.CLEARED, SOURCE, "no longer: " + kind, Map.of(), now.toEpochMilli()));
                }
            }
            standingKinds = Set.copyOf(kindsThisPass);
        }
    }

    /** Clears every condition still standing: the component goes away (a new one raises again what holds). */
    public synchronized void endConditions() {
        long now = clock.millis();
        for (String kind : standingKinds) {
            telemetry.condition(new Alarm(kind, Alarm.Severity.CLEARED, SOURCE, "PKI maintenance stopped", Map.of(), now));
        }
        standingKinds = Set.of();
        standing = Set.of();
    }

    private void pass(Instant now) {
        try {
            Optional<BoxCredentials> creds = store.load();
            if (creds.isEmpty()) {
                current = null;
                telemetry.publish(CertificateState.APP_ID, CertificateState.RESOURCE, CertificateState.notEnrolled().toPayload(now), Priority.STATE);
                standingAlarm(ALARM_NOT_ENROLLED, ALARM_NOT_ENROLLED, Alarm.Severity.WARNING,
                        "The box has no certificate yet; set it up with 'appliance setup' (or enrol it with 'appliance enrol')",
                        Map.of("key_store", store.file().toString()), now);
                return;
            }
            BoxCredentials c = creds.get();
            if (policy.due(c.certificate(), now)) {
                try {
                    c = enrolment.renew(c);
                    LOG.info("certificate renewed: serial {} valid until {}", c.certificate().getSerialNumber().toString(16),
                            c.certificate().getNotAfter().toInstant());
                } catch (Exception e) {
                    alarm(ALARM_RENEWAL_FAILED, Alarm.Severity.MAJOR, "Certificate renewal failed: " + e.getMessage(),
                            Map.of("serial", hex(c.certificate()), "not_after", c.certificate().getNotAfter().toInstant().toString()), now);
                }
            }
            current = c;
            telemetry.publish(CertificateState.APP_ID, CertificateState.RESOURCE,
                    CertificateState.of(c.certificate(), policy).toPayload(now), Priority.STATE);
            audit(c, now);
        } catch (Exception e) {
            standingAlarm(ALARM_UNREADABLE_TRUST_STORE + " " + store.file(), ALARM_UNREADABLE_TRUST_STORE, Alarm.Severity.MAJOR,
                    "Box key store cannot be read: " + e.getMessage(), Map.of("key_store", store.file().toString()), now);
        }
    }

    private void audit(BoxCredentials c, Instant now) {
        TrustStoreAudit.Report report = new TrustStoreAudit(c.trustAnchors()).audit(trustStores);
        for (TrustStoreAudit.Finding f : report.foreign()) {
            Map<String, String> ev = new LinkedHashMap<>();
            ev.put("file", f.file().toString());
            ev.put("subject", f.subject());
            ev.put("sha256", f.sha256());
            standingAlarm(ALARM_FOREIGN_CA + " " + f.file() + " " + f.sha256(), ALARM_FOREIGN_CA, Alarm.Severity.MAJOR,
                    "Trust store " + f.file() + " holds a CA that is not the provincial CA: " + f.subject(), ev, now);
        }
        for (TrustStoreAudit.Unreadable u : report.unreadable()) {
            standingAlarm(ALARM_UNREADABLE_TRUST_STORE + " " + u.file(), ALARM_UNREADABLE_TRUST_STORE, Alarm.Severity.WARNING, "Trust store file " + u.file() + " cannot be read: " + u.reason(),
                    Map.of("file", u.file().toString()), now);
        }
    }

    @Override
    public Optional<BoxCredentials> current() {
        return Optional.ofNullable(current);
    }

    @Override
    public RevocationChecker.Result checkPeer(X509Certificate peer) {
        BoxCredentials c = current;
        if (c == null) {
            return new RevocationChecker.Result(RevocationChecker.Status.UNKNOWN, "none", "box not enrolled: no trust anchors");
        }
        for (X509Certificate ca : c.trustAnchors()) {
            if (ca.getSubjectX500Principal().equals(peer.getIssuerX500Principal())) {
                try {
                    peer.verify(ca.getPublicKey());
                } catch (Exception e) {
                    continue;
                }
                return revocation.check(peer, ca);
            }
        }
        return new RevocationChecker.Result(RevocationChecker.Status.UNKNOWN, "none",
                "issuer " + peer.getIssuerX500Principal().getName() + " is not a provincial CA");
    }

    /** Alarms a condition that persists across passes once, not every pass. */
    private void standingAlarm(String key, String kind, Alarm.Severity severity, String message, Map<String, String> evidence, Instant now) {
        seenThisPass.add(key);
        kindsThisPass.add(kind);
        if (!standing.contains(key)) {
            LOG.warn("{}: {}", kind, message);
            telemetry.condition(new Alarm(kind, severity, SOURCE, message, evidence, now.toEpochMilli()));
        }
    }

    private void alarm(String kind, Alarm.Severity severity, String message, Map<String, String> evidence, Instant now) {
        LOG.warn("{}: {}", kind, message);
        telemetry.alarm(new Alarm(kind, severity, SOURCE, message, evidence, now.toEpochMilli()));
    }

    private static String hex(X509Certificate c) {
        return c.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    }
}
