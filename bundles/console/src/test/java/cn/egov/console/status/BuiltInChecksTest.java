package cn.egov.console.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.launcher.BoxLauncher;
import cn.egov.api.selftest.SelfTest;
import cn.egov.api.time.BeijingTime;
import cn.egov.console.TestClock;
import cn.egov.console.store.AuditLog;
import cn.egov.console.store.ConsoleDatabase;
import cn.egov.console.tls.BootstrapCertificate;
import cn.egov.pki.BoxCertificates;
import cn.egov.pki.check.RevocationChecker;
import cn.egov.pki.store.BoxCredentials;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-test page is read by a technician: times in Beijing time, never a UTC instant. */
class BuiltInChecksTest {
    private static final Pattern ISO_INSTANT = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:");

    @TempDir
    Path dir;

    @Test
    void theAuditLogsOldestEntryIsInBeijingTime() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (ConsoleDatabase db = ConsoleDatabase.open(ConsoleDatabase.file(dir))) {
            AuditLog audit = new AuditLog(db, new AuditLog.Settings(Duration.ofDays(190), 1000), clock);
            audit.record("tech", "log in", "", "ok", "10.0.0.1");
            SelfTest.Result r = checks(Optional.empty(), audit, clock).auditLog();
            assertEquals(new SelfTest.Result(SelfTest.Outcome.OK, "1 条记录（上限 1000），最早 2026-01-01 08:00:00（北京时间）。",
                    "1 entries (bound 1000), oldest 2026-01-01 08:00:00 (Beijing time)."), r);
        }
    }

    @Test
    void theCertificatesDatesAndTheBoxClockAreInBeijingTime() throws Exception {
        BootstrapCertificate b = BootstrapCertificate.loadOrCreate(dir.resolve("b.p12"), "test");
        X509Certificate c = b.certificate();
        BoxCertificates pki = holding(Optional.of(new BoxCredentials(b.key(), List.of(c), List.of())));
        Instant notBefore = c.getNotBefore().toInstant();
        Instant notAfter = c.getNotAfter().toInstant();
        try (ConsoleDatabase db = ConsoleDatabase.open(ConsoleDatabase.file(dir))) {
            AuditLog audit = new AuditLog(db, new AuditLog.Settings(Duration.ofDays(190), 1000), new TestClock(notBefore));
            for (Instant now : List.of(notBefore.minus(Duration.ofDays(1)), notBefore.plus(Duration.ofDays(1)),
                    notAfter.minus(Duration.ofDays(1)), notAfter.plus(Duration.ofDays(1)))) {
                SelfTest.Result r = checks(Optional.of(pki), audit, new TestClock(now)).validity();
                Instant named = now.isBefore(notBefore) ? notBefore : notAfter;
                for (String message : List.of(r.message(), r.chinese())) {
                    assertFalse(ISO_INSTANT.matcher(message).find(), message);
                }
                assertTrue(r.message().contains(BeijingTime.labelled(named)), r.message() + " names " + BeijingTime.labelled(named));
                assertTrue(r.chinese().contains(BeijingTime.labelledChinese(named)), r.chinese() + " names " + BeijingTime.labelledChinese(named));
            }
        }
    }

    @Test
    void aBoxNotEnrolledYetIsSentToTheFirstBootsSetupNotToEnrolmentAlone() throws Exception {
        BoxCertificates none = holding(Optional.empty());
        try (ConsoleDatabase db = ConsoleDatabase.open(ConsoleDatabase.file(dir))) {
            TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
            AuditLog audit = new AuditLog(db, new AuditLog.Settings(Duration.ofDays(190), 1000), clock);
            SelfTest.Result r = checks(Optional.of(none), audit, clock).enrolment();
            assertEquals(SelfTest.Outcome.FAIL, r.outcome());
            assertTrue(r.message().contains("run 'appliance setup --unit UNIT --token TOKEN'"), r.message());
            assertTrue(r.chinese().startsWith("本机尚未注册：用省电子政务办发放的注册令牌运行 'appliance setup --unit UNIT --token TOKEN'"), r.chinese());
        }
    }

    @Test
    void aRefusedConfigurationFileIsNamedWithItsReasonInChineseThenInEnglish() throws Exception {
        BoxLauncher.ConfigRefusal refusal = new BoxLauncher.ConfigRefusal(Path.of("/etc/egov-box/cn.egov.telemetry.cfg"), 4,
                "health.interval.s", "'ten' 不是允许范围内的整数", "option 'health.interval.s': 'ten' is not a whole number in range");
        BoxLauncher launcher = new BoxLauncher() {
            @Override
            public List<ConfigRefusal> applyConfiguration() {
                return List.of(refusal);
            }

            @Override
            public List<ConfigRefusal> refusedFiles() {
                return List.of(refusal);
            }

            @Override
            public List<String> recentLog(int max) {
                return List.of();
            }
        };
        try (ConsoleDatabase db = ConsoleDatabase.open(ConsoleDatabase.file(dir))) {
            TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
            AuditLog audit = new AuditLog(db, new AuditLog.Settings(Duration.ofDays(190), 1000), clock);
            SelfTest.Result r = new BuiltInChecks(Optional::empty, () -> Optional.of(launcher), () -> null, audit,
                    Duration.ofDays(30), clock).configuration();
            assertEquals(SelfTest.Outcome.FAIL, r.outcome());
            assertTrue(r.chinese().startsWith("以下配置被拒绝，改正之前原来的设置继续有效：/etc/egov-box/cn.egov.telemetry.cfg 第 4 行："
                    + "选项 'health.interval.s'：'ten' 不是允许范围内的整数。"), r.chinese());
            assertTrue(r.message().contains("/etc/egov-box/cn.egov.telemetry.cfg:4: option 'health.interval.s': 'ten' is not a whole number"),
                    r.message());
        }
    }

    /** The box's PKI service holding {@code credentials} (none: not enrolled). */
    private static BoxCertificates holding(Optional<BoxCredentials> credentials) {
        return new BoxCertificates() {
            @Override
            public Optional<BoxCredentials> current() {
                return credentials;
            }

            @Override
            public RevocationChecker.Result checkPeer(X509Certificate peer) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static BuiltInChecks checks(Optional<BoxCertificates> pki, AuditLog audit, TestClock clock) {
        return new BuiltInChecks(() -> pki, Optional::empty, () -> null, audit, Duration.ofDays(30), clock);
    }
}
