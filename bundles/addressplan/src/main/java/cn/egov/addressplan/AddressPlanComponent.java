package cn.egov.addressplan;

import cn.egov.api.identity.IdentityProvider;
import cn.egov.api.selftest.SelfTest;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the conformance check on a schedule and sends the result as telemetry
 * ({@code ADDRESSPLAN/check} and one {@code ADDRESSPLAN/finding} per finding). A plan that
 * cannot be read raises the condition {@code addressplan.check} instead of reporting a clean site
 * (cleared by the next check that runs). As a {@link SelfTest} it says whether the site conforms,
 * and what to change when it does not.
 *
 * <p>REQUIRE: the check runs once its configuration file exists ({@code appliance setup} installs it
 * with the unit's plan); without one it would look for the default plan and stand unhealthy.
 */
@Component(service = SelfTest.class, configurationPid = AddressPlanComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AddressPlanConfig.class)
public final class AddressPlanComponent implements SelfTest {

    public static final String PID = "cn.egov.addressplan";
    /** Alarm kind when the plan or the site cannot be read. */
    public static final String CHECK_FAILED_ALARM = "addressplan.check";

    private static final Logger LOG = LoggerFactory.getLogger(AddressPlanComponent.class);

    private final TelemetryPublisher telemetry;
    private final IdentityProvider identity;
    private ScheduledExecutorService scheduler;
    private SiteCheck check;
    private long lastCheckTime;
    private volatile ConformanceReport lastReport;
    private volatile String lastFailure;
    private boolean failureStands;

    @Activate
    public AddressPlanComponent(@Reference TelemetryPublisher telemetry,
                                @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY) IdentityProvider identity,
                                AddressPlanConfig config) {
        this.telemetry = telemetry;
        this.identity = identity;
        configure(config);
    }

    @Modified
    void modified(AddressPlanConfig config) {
        stopSchedule();
        configure(config);
    }

    private void configure(AddressPlanConfig c) {
        UnitCode unit;
        if (!c.unitCode().isBlank()) {
            unit = UnitCode.parse(c.unitCode());
        } else if (identity != null) {
            unit = identity.identity().unit();
        } else {
            throw new IllegalStateException("no unit code configured and no IdentityProvider: set " + PID + ".unitCode");
        }
        SiteReader reader = new SiteReader(new IpCommandReader(c.ipBinary(), c.namespace()),
                Arrays.stream(c.leaseFiles()).filter(s -> !s.isBlank()).map(Path::of).toList(),
                c.hostsFile().isBlank() ? null : Path.of(c.hostsFile()), c.reverseNames());
        check = new SiteCheck(Path.of(c.planPath()), unit, reader, Set.of(c.ignoredInterfaces()));
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "addressplan-check");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::runOnce, 0, Math.max(10, c.intervalSeconds()), TimeUnit.SECONDS);
    }

    /**
     * One check; public so that a console button can trigger it. Checks run one at a time, and each
     * gets a distinct time, because the time is the check's id in telemetry and at the manager.
     */
    public synchronized ConformanceReport runOnce() {
        try {
            lastCheckTime = Math.max(System.currentTimeMillis(), lastCheckTime + 1);
            ConformanceReport r = check.run(lastCheckTime);
            ConformancePayloads.publish(telemetry, r);
            LOG.info("address plan check of {}: {} items, {} findings", r.unit(), r.itemsChecked(), r.findings().size());
            lastReport = r;
            lastFailure = null;
            clearFailure("the address plan check runs again");
            return r;
        } catch (Exception e) {
            LOG.warn("address plan check failed: {}", e.getMessage());
            lastFailure = e.getMessage();
            failureStands = true;
            telemetry.condition(new Alarm(CHECK_FAILED_ALARM, Alarm.Severity.MAJOR, "addressplan",
                    "address plan check could not run: " + e.getMessage(), Map.of("plan", String.valueOf(check.plan())),
                    System.currentTimeMillis()));
            return null;
        }
    }

    private void clearFailure(String message) {
        if (failureStands) {
            failureStands = false;
            telemetry.condition(new Alarm(CHECK_FAILED_ALARM, Alarm.Severity.CLEARED, "addressplan", message, Map.of(),
                    System.currentTimeMillis()));
        }
    }

    @Override
    public String name() {
        return "地址规划 Address plan";
    }

    @Override
    public Result run() {
        return judge(lastReport, lastFailure);
    }

    /** The self-test sentence for the last check: conforms, what to change, or why it could not run. */
    static Result judge(ConformanceReport r, String failure) {
        if (failure != null) {
            return Result.fail("地址规划检查无法运行：" + failure + "。请检查 " + PID + ".cfg 中指定的规划文件。",
                    "The address plan check cannot run: " + failure + ". Check the plan file named in " + PID + ".cfg.");
        }
        if (r == null) {
            return Result.warn("第一次地址规划检查还没有运行。", "The first address plan check has not run yet.");
        }
        if (r.conforms()) {
            return Result.ok("本站点符合单位 " + r.unit() + " 的地址规划（已检查 " + r.itemsChecked() + " 项）。",
                    "The site follows the address plan of unit " + r.unit() + " (" + r.itemsChecked() + " items checked).");
        }
        List<SiteFinding> shown = r.findings().stream().limit(3).toList();
        String english = String.join(" ", shown.stream().map(SiteFinding::remediation).toList());
        String chinese = String.join("", shown.stream().map(SiteFinding::chinese).toList());
        int more = r.findings().size() - 3;
        return Result.fail(r.findings().size() + " 项不符合单位 " + r.unit() + " 的地址规划：" + chinese
                        + (more > 0 ? "（另有 " + more + " 项：'appliance plan check'）" : ""),
                r.findings().size() + " item(s) outside the address plan of unit " + r.unit() + ": " + english
                + (more > 0 ? " (and " + more + " more: 'appliance plan check')" : ""));
    }

    private void stopSchedule() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Deactivate
    void deactivate() {
        stopSchedule();
        synchronized (this) {
            clearFailure("the address plan check stopped");
        }
    }
}
