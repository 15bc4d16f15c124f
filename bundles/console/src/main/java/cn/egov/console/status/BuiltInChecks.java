package cn.egov.console.status;

import cn.egov.api.launcher.BoxLauncher;
import cn.egov.api.selftest.SelfTest;
import cn.egov.api.selftest.SelfTest.Result;
import cn.egov.api.time.BeijingTime;
import cn.egov.console.store.AuditLog;
import cn.egov.console.store.StoreException;
import cn.egov.pki.BoxCertificates;
import cn.egov.pki.store.BoxCredentials;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The checks the console can make itself: enrolment, the certificate's validity, rejected
 * configuration files, bundles and components, the audit log's bound. Other bundles add theirs as
 * {@link SelfTest} services (MQTT and outbox from telemetry).
 */
public final class BuiltInChecks {
    private final Supplier<Optional<BoxCertificates>> certificates;
    private final Supplier<Optional<BoxLauncher>> launcher;
    private final Supplier<BoxStatus.Snapshot> status;
    private final AuditLog audit;
    private final Duration expiryWarning;
    private final Clock clock;

    public BuiltInChecks(Supplier<Optional<BoxCertificates>> certificates, Supplier<Optional<BoxLauncher>> launcher,
                         Supplier<BoxStatus.Snapshot> status, AuditLog audit, Duration expiryWarning, Clock clock) {
        this.certificates = certificates;
        this.launcher = launcher;
        this.status = status;
        this.audit = audit;
        this.expiryWarning = expiryWarning;
        this.clock = clock;
    }

    public List<SelfTest> checks() {
        return List.of(
                check("注册 Enrolment", this::enrolment),
                check("证书有效期 Certificate validity", this::validity),
                check("配置文件 Configuration files", this::configuration),
                check("组件 Bundles and components", this::components),
                check("审计日志 Audit log", this::auditLog));
    }

    Result enrolment() {
        Optional<BoxCertificates> pki = certificates.get();
        if (pki.isEmpty()) {
            return Result.fail("The PKI service is not running, so the box cannot use its certificate: see 组件 Bundles and components.");
        }
        if (pki.get().current().isEmpty()) {
            // setup, not enrol: on a new box enrolment is one of the first boot's steps (tunnel, policy and plan follow it)
            return Result.fail("The box is not enrolled yet: run 'appliance setup --unit UNIT --token TOKEN' with the token from the "
                    + "provincial office (it enrols, then sets up the tunnel, policy and plan; 'appliance enrol' enrols alone).");
        }
        X509Certificate c = pki.get().current().get().certificate();
        return Result.ok("Enrolled as " + c.getSubjectX500Principal().getName() + " (serial "
                + c.getSerialNumber().toString(16) + ").");
    }

    Result validity() {
        Optional<BoxCredentials> creds = certificates.get().flatMap(BoxCertificates::current);
        if (creds.isEmpty()) {
            return Result.warn("No certificate yet (see 注册 Enrolment).");
        }
        X509Certificate c = creds.get().certificate();
        Instant now = clock.instant();
        Instant notBefore = c.getNotBefore().toInstant();
        Instant notAfter = c.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            return Result.fail("The certificate is valid only from " + BeijingTime.labelled(notBefore) + ": the box's clock ("
                    + BeijingTime.labelled(now) + ") is probably wrong; set it (NTP) and restart the box.");
        }
        if (!now.isBefore(notAfter)) {
            return Result.fail("The certificate expired on " + BeijingTime.labelled(notAfter) + ": the box can no longer reach the backbone; "
                    + "enrol it again with a new token ('appliance enrol').");
        }
        if (Duration.between(now, notAfter).compareTo(expiryWarning) < 0) {
            return Result.warn("The certificate expires on " + BeijingTime.labelled(notAfter) + " and has not been renewed: check that the box "
                    + "reaches the manager's EST service (the PKI alarms say why renewal failed).");
        }
        return Result.ok("Valid until " + BeijingTime.labelled(notAfter) + ".");
    }

    Result configuration() {
        Optional<BoxLauncher> l = launcher.get();
        if (l.isEmpty()) {
            return Result.warn("The box's launcher does not report on its configuration directory here.");
        }
        List<BoxLauncher.ConfigRefusal> refused = l.get().refusedFiles();
        if (refused.isEmpty()) {
            return Result.ok("Every configuration file is applied.");
        }
        return Result.fail("Refused, the previous settings stay in force until fixed: "
                + String.join("; ", refused.stream().map(Object::toString).toList())
                + ". Correct the line named, on the 配置 Configuration page or in the file.");
    }

    Result components() {
        List<String> faults = status.get().faults();
        return faults.isEmpty() ? Result.ok("Every bundle and component runs.")
                : Result.fail(String.join("; ", faults) + ". See 状态 Status; the box's log says why.");
    }

    Result auditLog() {
        try {
            AuditLog.Stats s = audit.stats();
            if (s.cutYoung() > 0) {
                return Result.warn(s.cutYoung() + " audit entries younger than the retention were removed by the bound of "
                        + s.maxRows() + " entries: raise audit.max.rows so that six months fit.");
            }
            return Result.ok(s.rows() + " entries (bound " + s.maxRows() + ")"
                    + s.oldest().map(o -> ", oldest " + BeijingTime.labelled(o)).orElse("") + ".");
        } catch (StoreException e) {
            return Result.fail("The audit log cannot be read: " + e.getMessage());
        }
    }

    private static SelfTest check(String name, Supplier<Result> run) {
        return new SelfTest() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Result run() {
                return run.get();
            }
        };
    }

    /** Runs checks, turning an exception into a FAIL with its message. */
    public static List<Row> runAll(List<SelfTest> checks) {
        return checks.stream().map(BuiltInChecks::runOne).toList();
    }

    static Row runOne(SelfTest check) {
        try {
            return new Row(check.name(), check.run());
        } catch (RuntimeException e) {
            return new Row(check.name(), Result.fail("The check failed: " + e));
        }
    }

    public record Row(String name, Result result) {
        public String outcome() {
            return result.outcome().name();
        }
    }
}
