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
            return Result.fail("证书服务（PKI）没有运行，本机无法使用它的证书：见 组件 Bundles and components。",
                    "The PKI service is not running, so the box cannot use its certificate: see 组件 Bundles and components.");
        }
        if (pki.get().current().isEmpty()) {
            // setup, not enrol: on a new box enrolment is one of the first boot's steps (tunnel, policy and plan follow it)
            return Result.fail("本机尚未注册：用省电子政务办发放的注册令牌运行 'appliance setup --unit UNIT --token TOKEN'"
                            + "（先注册，再设置隧道、隔离策略和地址规划；只注册用 'appliance enrol'）。",
                    "The box is not enrolled yet: run 'appliance setup --unit UNIT --token TOKEN' with the token from the "
                    + "provincial office (it enrols, then sets up the tunnel, policy and plan; 'appliance enrol' enrols alone).");
        }
        X509Certificate c = pki.get().current().get().certificate();
        String subject = c.getSubjectX500Principal().getName();
        String serial = c.getSerialNumber().toString(16);
        return Result.ok("已注册为 " + subject + "（序列号 " + serial + "）。",
                "Enrolled as " + subject + " (serial " + serial + ").");
    }

    Result validity() {
        Optional<BoxCredentials> creds = certificates.get().flatMap(BoxCertificates::current);
        if (creds.isEmpty()) {
            return Result.warn("还没有证书（见 注册 Enrolment）。", "No certificate yet (see 注册 Enrolment).");
        }
        X509Certificate c = creds.get().certificate();
        Instant now = clock.instant();
        Instant notBefore = c.getNotBefore().toInstant();
        Instant notAfter = c.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            return Result.fail("证书从 " + BeijingTime.labelledChinese(notBefore) + " 起才有效：本机时钟（"
                            + BeijingTime.labelledChinese(now) + "）可能不对；请校准时钟（NTP）后重启本机。",
                    "The certificate is valid only from " + BeijingTime.labelled(notBefore) + ": the box's clock ("
                    + BeijingTime.labelled(now) + ") is probably wrong; set it (NTP) and restart the box.");
        }
        if (!now.isBefore(notAfter)) {
            return Result.fail("证书已于 " + BeijingTime.labelledChinese(notAfter)
                            + " 过期：本机再也连不上骨干网；请用新的令牌重新注册（'appliance enrol'）。",
                    "The certificate expired on " + BeijingTime.labelled(notAfter) + ": the box can no longer reach the backbone; "
                    + "enrol it again with a new token ('appliance enrol').");
        }
        if (Duration.between(now, notAfter).compareTo(expiryWarning) < 0) {
            return Result.warn("证书将于 " + BeijingTime.labelledChinese(notAfter)
                            + " 过期，且尚未续期：请检查本机能否连到管理平台的 EST 服务（证书告警会说明续期失败的原因）。",
                    "The certificate expires on " + BeijingTime.labelled(notAfter) + " and has not been renewed: check that the box "
                    + "reaches the manager's EST service (the PKI alarms say why renewal failed).");
        }
        return Result.ok("有效期至 " + BeijingTime.labelledChinese(notAfter) + "。", "Valid until " + BeijingTime.labelled(notAfter) + ".");
    }

    Result configuration() {
        Optional<BoxLauncher> l = launcher.get();
        if (l.isEmpty()) {
            return Result.warn("本机的启动程序在这里不报告配置目录的情况。",
                    "The box's launcher does not report on its configuration directory here.");
        }
        List<BoxLauncher.ConfigRefusal> refused = l.get().refusedFiles();
        if (refused.isEmpty()) {
            return Result.ok("所有配置文件都已生效。", "Every configuration file is applied.");
        }
        String files = String.join("; ", refused.stream().map(Object::toString).toList());
        String chinese = String.join("；", refused.stream().map(BoxLauncher.ConfigRefusal::toChinese).toList());
        return Result.fail("以下配置被拒绝，改正之前原来的设置继续有效：" + chinese + "。请在 配置 Configuration 页面或文件中改正所指的那一行。",
                "Refused, the previous settings stay in force until fixed: " + files
                + ". Correct the line named, on the 配置 Configuration page or in the file.");
    }

    Result components() {
        List<String> faults = status.get().faults();
        if (faults.isEmpty()) {
            return Result.ok("所有组件都在运行。", "Every bundle and component runs.");
        }
        String all = String.join("; ", faults);
        return Result.fail(all + "。见 状态 Status；本机日志说明原因。", all + ". See 状态 Status; the box's log says why.");
    }

    Result auditLog() {
        try {
            AuditLog.Stats s = audit.stats();
            if (s.cutYoung() > 0) {
                return Result.warn("有 " + s.cutYoung() + " 条未到保留期的审计记录因上限 " + s.maxRows()
                                + " 条被删除：请调大 audit.max.rows，使六个月的记录都能保留。",
                        s.cutYoung() + " audit entries younger than the retention were removed by the bound of "
                        + s.maxRows() + " entries: raise audit.max.rows so that six months fit.");
            }
            return Result.ok(s.rows() + " 条记录（上限 " + s.maxRows() + "）"
                            + s.oldest().map(o -> "，最早 " + BeijingTime.labelledChinese(o)).orElse("") + "。",
                    s.rows() + " entries (bound " + s.maxRows() + ")"
                    + s.oldest().map(o -> ", oldest " + BeijingTime.labelled(o)).orElse("") + ".");
        } catch (StoreException e) {
            return Result.fail("无法读取审计日志：" + e.getMessage(), "The audit log cannot be read: " + e.getMessage());
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
            return new Row(check.name(), Result.fail("检查本身出错：" + e, "The check failed: " + e));
        }
    }

    public record Row(String name, Result result) {
        public String outcome() {
            return result.outcome().name();
        }
    }
}
